import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import type {
  Workspace,
  WorkspaceAgent,
  WorkspaceAgentListeningPortsResponse,
  WorkspaceAgentPortShareLevel,
  WorkspaceAgentPortShares,
} from "../../api/types";
import { ErrorAlert } from "../../components";

const LEVELS: WorkspaceAgentPortShareLevel[] = ["owner", "authenticated", "organization", "public"];

/** The URL of a port through the path-based app proxy. */
export function portURL(ws: Workspace, agent: WorkspaceAgent, port: number): string {
  return `/@${ws.owner_name}/${ws.name}.${agent.name}/apps/${port}/`;
}

/**
 * The ports the agent reports listening (refreshed every 5s, as the agent
 * scans), each a link through the app proxy, with its sharing level:
 * "owner" means not shared.
 */
export function ListeningPorts({ agent, ws }: { agent: WorkspaceAgent; ws: Workspace }) {
  const qc = useQueryClient();
  const connected = agent.status === "connected";
  const ports = useQuery({
    queryKey: ["workspaceagents", agent.id, "listening-ports"],
    queryFn: ({ signal }) =>
      api.get<WorkspaceAgentListeningPortsResponse>(`/workspaceagents/${agent.id}/listening-ports`, { signal }),
    enabled: connected,
    refetchInterval: 5000,
  });
  const sharesKey = ["workspaces", ws.id, "port-share"];
  const shares = useQuery({
    queryKey: sharesKey,
    queryFn: ({ signal }) => api.get<WorkspaceAgentPortShares>(`/workspaces/${ws.id}/port-share`, { signal }),
    enabled: connected,
  });
  const share = useMutation({
    mutationFn: ({ port, level }: { port: number; level: WorkspaceAgentPortShareLevel }) =>
      level === "owner"
        ? api.delete(`/workspaces/${ws.id}/port-share`, { body: { agent_name: agent.name, port } })
        : api.post(`/workspaces/${ws.id}/port-share`, { agent_name: agent.name, port, share_level: level, protocol: "http" }),
    onSettled: () => qc.invalidateQueries({ queryKey: sharesKey }),
  });
  if (!connected) return null;
  const list = ports.data?.ports ?? [];
  const levelOf = (port: number): WorkspaceAgentPortShareLevel =>
    shares.data?.shares?.find((s) => s.agent_name === agent.name && s.port === port)?.share_level ?? "owner";
  return (
    <div className="listening-ports" aria-label={`Listening ports of agent ${agent.name}`}>
      <div className="muted small">Listening ports</div>
      {ports.isError && <ErrorAlert error={ports.error} />}
      {share.isError && <ErrorAlert error={share.error} />}
      {ports.isSuccess && list.length === 0 && <div className="muted small">No ports are listening.</div>}
      {list.length > 0 && (
        <ul className="app-list">
          {list.map((p) => (
            <li key={`${p.network}-${p.port}`}>
              <a className="btn" href={portURL(ws, agent, p.port ?? 0)} target="_blank" rel="noreferrer">
                {p.port}
                {p.process_name ? ` · ${p.process_name}` : ""}
              </a>
              <select
                aria-label={`Sharing of port ${p.port}`}
                value={levelOf(p.port ?? 0)}
                disabled={share.isPending}
                onChange={(e) =>
                  share.mutate({ port: p.port ?? 0, level: e.target.value as WorkspaceAgentPortShareLevel })
                }
              >
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {l === "owner" ? "not shared" : `shared: ${l}`}
                  </option>
                ))}
              </select>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
