import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useListeningPorts } from "../../api/agents";
import { api } from "../../api/client";
import type {
  Workspace,
  WorkspaceAgent,
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
  const ports = useListeningPorts(agent.id, true);
  const sharesKey = ["workspaces", ws.id, "port-share"];
  const shares = useQuery({
    queryKey: sharesKey,
    queryFn: ({ signal }) => api.get<WorkspaceAgentPortShares>(`/workspaces/${ws.id}/port-share`, { signal }),
  });
  const share = useMutation({
    mutationFn: ({ port, level }: { port: number; level: WorkspaceAgentPortShareLevel }) =>
      level === "owner"
        ? api.delete(`/workspaces/${ws.id}/port-share`, { body: { agent_name: agent.name, port } })
        : api.post(`/workspaces/${ws.id}/port-share`, { agent_name: agent.name, port, share_level: level, protocol: "http" }),
    onSettled: () => qc.invalidateQueries({ queryKey: sharesKey }),
  });
  const list = [...(ports.data?.ports ?? [])].sort((a, b) => (a.port ?? 0) - (b.port ?? 0));
  const levelOf = (port: number): WorkspaceAgentPortShareLevel =>
    shares.data?.shares?.find((s) => s.agent_name === agent.name && s.port === port)?.share_level ?? "owner";
  return (
    <div>
      <h4 className="agent-subtitle">Listening ports</h4>
      {share.isError && <ErrorAlert error={share.error} title="Could not change the port's sharing" />}
      {ports.isError ? (
        <ErrorAlert error={ports.error} title="Could not load the listening ports" />
      ) : ports.isPending ? (
        <p className="muted small">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted small">No ports are listening.</p>
      ) : (
        <ul className="port-list" aria-label={`Listening ports of agent ${agent.name}`}>
          {list.map((p) => (
            <li key={`${p.network}/${p.port}`}>
              <a href={portURL(ws, agent, p.port ?? 0)} target="_blank" rel="noreferrer">
                <code>{p.port}</code>
              </a>
              <span className="muted small">
                {" "}
                {p.network}
                {p.process_name && ` · ${p.process_name}`}{" "}
              </span>
              <select
                aria-label={`Sharing of port ${p.port}`}
                value={levelOf(p.port ?? 0)}
                disabled={share.isPending}
                onChange={(e) => share.mutate({ port: p.port ?? 0, level: e.target.value as WorkspaceAgentPortShareLevel })}
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
