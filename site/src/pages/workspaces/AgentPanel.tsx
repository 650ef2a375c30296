import { useEffect, useRef, useState } from "react";
import { useAgentLogs, useAgentMetadata, type AgentMetadata } from "../../api/agents";
import type { Workspace, WorkspaceAgent, WorkspaceAgentLogSource } from "../../api/types";
import { Badge, ErrorAlert } from "../../components";
import { absoluteTime, duration, relativeTime } from "../../utils/time";
import { agentIsBusy, agentLifecycle, agentStatus, appHealth, groupLogs, metadataAge, metadataIsStale, setTime } from "./agent";
import { ListeningPorts } from "./ListeningPorts";
import { hasWebTerminal, terminalPath } from "./terminal";

/**
 * One agent of a workspace resource: connection and lifecycle, startup
 * logs by source, live metadata, apps with their health, listening ports.
 */
export function AgentPanel({ agent, ws }: { agent: WorkspaceAgent; ws: Workspace }) {
  const status = agentStatus(agent.status);
  const lifecycle = agentLifecycle(agent.lifecycle_state);
  const connected = agent.status === "connected";
  const started = setTime(agent.started_at);
  const ready = setTime(agent.ready_at);
  const headingId = `agent-${agent.id}`;
  const lastSeen = setTime(agent.disconnected_at) ?? setTime(agent.last_connected_at);
  const connectedSince = connected ? setTime(agent.first_connected_at) : undefined;
  return (
    <section className="agent stack" aria-labelledby={headingId} data-agent={agent.name}>
      <div className="row">
        <h3 id={headingId} className="agent-name">
          Agent {agent.name}
        </h3>
        <Badge tone={status.tone} className="agent-status">
          {status.tone === "progress" && <span className="spinner spinner-inline" aria-hidden="true" />}
          {status.label}
        </Badge>
        {agent.lifecycle_state && (
          <Badge tone={lifecycle.tone} className="agent-lifecycle">
            {lifecycle.label}
          </Badge>
        )}
        {agent.operating_system && (
          <span className="muted small">
            {agent.operating_system}/{agent.architecture}
            {agent.version && ` · v${agent.version.replace(/^v/, "")}`}
          </span>
        )}
        {connected && hasWebTerminal(agent) && (
          <a className="btn" href={terminalPath(ws, agent)} target="_blank" rel="noreferrer">
            Terminal
          </a>
        )}
      </div>
      {agent.status === "timeout" && (
        <div className="alert alert-warning" role="status">
          <strong>The agent has not connected.</strong>
          <p>{status.hint}</p>
          {agent.troubleshooting_url && (
            <a href={agent.troubleshooting_url} target="_blank" rel="noreferrer">
              Troubleshooting
            </a>
          )}
        </div>
      )}
      {agent.health?.healthy === false && agent.health.reason && agent.status !== "timeout" && agent.status !== "connecting" && (
        <p className="muted small agent-health">
          {agent.health.reason.charAt(0).toUpperCase() + agent.health.reason.slice(1)}.
          {lifecycle.hint && agent.lifecycle_state?.endsWith("error") ? ` ${lifecycle.hint}` : ""}
        </p>
      )}
      {(started || ready || connectedSince || (!connected && lastSeen)) && (
        <dl className="kv small">
          {started && (
            <>
              <dt>Started</dt>
              <dd title={absoluteTime(started)}>{relativeTime(started)}</dd>
            </>
          )}
          {ready && (
            <>
              <dt>Ready</dt>
              <dd title={absoluteTime(ready)}>
                {relativeTime(ready)}
                {started && ` · startup took ${duration(started, ready)}`}
              </dd>
            </>
          )}
          {connectedSince && (
            <>
              <dt>First connected</dt>
              <dd title={absoluteTime(agent.last_connected_at)}>{relativeTime(connectedSince)}</dd>
            </>
          )}
          {!connected && lastSeen && (
            <>
              <dt>Last seen</dt>
              <dd title={absoluteTime(lastSeen)}>{relativeTime(lastSeen)}</dd>
            </>
          )}
        </dl>
      )}
      <Apps agent={agent} ws={ws} />
      <Metadata agent={agent} />
      {connected && <ListeningPorts agent={agent} ws={ws} />}
      <StartupLogs agent={agent} />
    </section>
  );
}

function Apps({ agent, ws }: { agent: WorkspaceAgent; ws: Workspace }) {
  const apps = (agent.apps ?? []).filter((a) => !a.hidden);
  if (apps.length === 0) return null;
  return (
    <ul className="app-list" aria-label={`Apps of agent ${agent.name}`}>
      {apps.map((app) => {
        const health = appHealth(app.health);
        return (
          <li key={app.id} className="row">
            <a
              className="btn"
              href={app.external ? app.url : `/@${ws.owner_name}/${ws.name}.${agent.name}/apps/${app.slug}/`}
              target="_blank"
              rel="noreferrer"
            >
              {app.display_name || app.slug}
            </a>
            {health.label && (
              <span title={health.hint}>
                <Badge tone={health.tone} className="app-health">
                  {health.label}
                </Badge>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** Re-renders every `ms` while on, so ages count up between events. */
function useNow(on: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [on, ms]);
  return now;
}

function Metadata({ agent }: { agent: WorkspaceAgent }) {
  // The stream is watched while the agent could report; a gone agent's last
  // values come once from the first event.
  const meta = useAgentMetadata(agent.id, agent.status !== "timeout");
  if (!meta || (meta.items.length === 0 && !meta.error)) return null;
  return <MetadataList meta={meta} agentName={agent.name ?? ""} />;
}

function MetadataList({ meta, agentName }: { meta: AgentMetadata; agentName: string }) {
  const now = useNow(meta.items.length > 0);
  return (
    <div>
      {meta.error && <p className="field-error">{meta.error}</p>}
      <dl className="metadata" aria-label={`Metadata of agent ${agentName}`}>
        {meta.items.map((m) => {
          const key = m.description?.key ?? "";
          const collected = setTime(m.result?.collected_at);
          const age = metadataAge(m, meta.receivedAt, now);
          const stale = metadataIsStale(m, age);
          return (
            <div key={key} className="metadata-item" data-metadata={key}>
              <dt>{m.description?.display_name || key}</dt>
              <dd>
                {m.result?.error ? (
                  <span className="metadata-error" title={m.result.error}>
                    {m.result.error}
                  </span>
                ) : collected ? (
                  <span className={stale ? "metadata-stale" : undefined}>{m.result?.value || "—"}</span>
                ) : (
                  <span className="muted">pending…</span>
                )}
                {collected && (
                  <span className="muted small" title={absoluteTime(collected)}>
                    {" "}
                    {stale ? `· stale, ${age}s old` : `· ${age}s ago`}
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

function StartupLogs({ agent }: { agent: WorkspaceAgent }) {
  const busy = agentIsBusy(agent);
  const failed = agent.lifecycle_state === "start_error" || agent.lifecycle_state === "start_timeout";
  const [open, setOpen] = useState(busy || failed);
  // Open the logs when the agent starts again or a script fails.
  useEffect(() => {
    if (busy || failed) setOpen(true);
  }, [busy, failed]);
  const logs = useAgentLogs(agent.id, busy, open);
  const count = logs.logs.length;
  const lines = `${count} ${count === 1 ? "line" : "lines"}`;
  return (
    <details className="agent-logs" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Startup logs
        <span className="muted small"> · {open ? (logs.streaming ? `streaming, ${lines}` : lines) : "show"}</span>
      </summary>
      {agent.logs_overflowed && (
        <div className="alert alert-warning" role="status">
          <strong>Logs overflowed.</strong>
          <p>The agent sent more output than the server keeps; later lines were dropped.</p>
        </div>
      )}
      {logs.error ? <ErrorAlert error={logs.error} title="Could not load the agent's logs" /> : open && <LogGroups agent={agent} logs={logs} sources={agent.log_sources} />}
    </details>
  );
}

function LogGroups({ agent, logs, sources }: { agent: WorkspaceAgent; logs: ReturnType<typeof useAgentLogs>; sources?: WorkspaceAgentLogSource[] }) {
  const groups = groupLogs(logs.logs, sources);
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [logs.logs.length]);
  if (groups.length === 0) return <p className="muted small">{logs.streaming ? "Waiting for logs…" : "No logs."}</p>;
  return (
    <div
      ref={ref}
      className="agent-log-groups"
      data-testid="agent-logs"
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {groups.map((g) => (
        <section key={g.sourceId} aria-label={`${g.name} logs of agent ${agent.name}`} data-log-source={g.name}>
          <h4 className="agent-subtitle row">
            {g.icon && <img src={g.icon} alt="" width={16} height={16} onError={(e) => (e.currentTarget.style.display = "none")} />}
            {g.name}
          </h4>
          <pre className="logs" tabIndex={0} aria-label={`${g.name} output`}>
            {g.logs.map((l) => (
              <span key={l.id} className={l.level === "error" ? "log-error" : undefined}>
                <span className="log-time">{l.created_at ? new Date(l.created_at).toLocaleTimeString() : ""}</span>
                {l.output}
                {"\n"}
              </span>
            ))}
          </pre>
        </section>
      ))}
    </div>
  );
}
