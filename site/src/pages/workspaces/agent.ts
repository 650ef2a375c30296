// What the dashboard says about a workspace agent: its connection status,
// lifecycle, logs grouped by source, metadata staleness, app health, and
// the workspace's health from its failing agents. Pure, so it is unit-tested.
import type {
  Workspace,
  WorkspaceAgent,
  WorkspaceAgentLifecycle,
  WorkspaceAgentLog,
  WorkspaceAgentLogSource,
  WorkspaceAgentStatus,
  WorkspaceAppHealth,
} from "../../api/types";
import type { AgentMetadataItem } from "../../api/agents";
import type { Tone } from "../../components";

export interface Label {
  label: string;
  tone: Tone;
  /** A sentence for the reader: what it means, what to do. */
  hint?: string;
}

const statuses: Record<WorkspaceAgentStatus, Label> = {
  connecting: { label: "Connecting", tone: "progress", hint: "The agent has not connected yet." },
  connected: { label: "Connected", tone: "success" },
  disconnected: { label: "Disconnected", tone: "warning", hint: "The agent lost its connection to the server." },
  timeout: { label: "Timeout", tone: "danger", hint: "The agent did not connect within the template's connection timeout." },
};

export function agentStatus(status: WorkspaceAgentStatus | undefined): Label {
  return (status && statuses[status]) || { label: status || "Unknown", tone: "neutral" };
}

const lifecycles: Record<WorkspaceAgentLifecycle, Label> = {
  created: { label: "Created", tone: "neutral", hint: "The agent has not started its startup scripts yet." },
  starting: { label: "Starting", tone: "progress", hint: "The startup scripts are running." },
  ready: { label: "Ready", tone: "success" },
  start_error: { label: "Start error", tone: "danger", hint: "A startup script failed; see the startup logs." },
  start_timeout: { label: "Start timeout", tone: "warning", hint: "The startup scripts took longer than their timeout." },
  shutting_down: { label: "Shutting down", tone: "progress", hint: "The shutdown scripts are running." },
  shutdown_error: { label: "Shutdown error", tone: "danger", hint: "A shutdown script failed." },
  shutdown_timeout: { label: "Shutdown timeout", tone: "warning", hint: "The shutdown scripts took longer than their timeout." },
  off: { label: "Off", tone: "neutral" },
};

export function agentLifecycle(state: WorkspaceAgentLifecycle | undefined): Label {
  return (state && lifecycles[state]) || { label: state || "Unknown", tone: "neutral" };
}

/** While these hold, new startup (or shutdown) log lines are expected. */
export function agentIsBusy(agent: WorkspaceAgent): boolean {
  return (
    agent.status === "connecting" ||
    agent.lifecycle_state === "created" ||
    agent.lifecycle_state === "starting" ||
    agent.lifecycle_state === "shutting_down"
  );
}

/** A time the server sent, or undefined for an empty or zero one. */
export function setTime(iso: string | undefined | null): string | undefined {
  return iso && !iso.startsWith("0001-") ? iso : undefined;
}

export interface LogGroup {
  sourceId: string;
  name: string;
  icon?: string;
  logs: WorkspaceAgentLog[];
}

/**
 * Logs grouped by their source (a script's display name and icon), in the
 * order each source first logged; lines keep their order within a group.
 */
export function groupLogs(logs: WorkspaceAgentLog[], sources: WorkspaceAgentLogSource[] | undefined): LogGroup[] {
  const byId = new Map((sources ?? []).map((s) => [s.id ?? "", s]));
  const groups = new Map<string, LogGroup>();
  for (const l of logs) {
    const id = l.source_id ?? "";
    let g = groups.get(id);
    if (!g) {
      const src = byId.get(id);
      g = { sourceId: id, name: src?.display_name || "Unknown source", icon: src?.icon || undefined, logs: [] };
      groups.set(id, g);
    }
    g.logs.push(l);
  }
  return [...groups.values()];
}

/**
 * How old a metadata value is now, in seconds: its age when the server sent
 * it plus the time since (the stream sends only on change).
 */
export function metadataAge(item: AgentMetadataItem, receivedAt: number, now: number): number {
  return Math.max(0, (item.result?.age ?? 0) + Math.floor((now - receivedAt) / 1000));
}

/**
 * A value is stale when it was not refreshed within its interval plus twice
 * its script timeout (at least 5 s): the agent missed a collection or two.
 * A value never collected is not stale, only pending.
 */
export function metadataIsStale(item: AgentMetadataItem, ageSeconds: number): boolean {
  if (!setTime(item.result?.collected_at)) return false;
  const d = item.description ?? {};
  const threshold = Math.max(5, (d.interval ?? 0) + 2 * (d.timeout ?? 0));
  return ageSeconds > threshold;
}

const appHealths: Record<WorkspaceAppHealth, Label> = {
  disabled: { label: "", tone: "neutral" },
  initializing: { label: "Initializing", tone: "progress", hint: "The app's health check has not passed yet." },
  healthy: { label: "Healthy", tone: "success" },
  unhealthy: { label: "Unhealthy", tone: "danger", hint: "The app's health check is failing." },
};

/** An app's health; an empty label when the app has no health check. */
export function appHealth(health: WorkspaceAppHealth | undefined): Label {
  return (health && appHealths[health]) || appHealths.disabled;
}

/**
 * The workspace's health as its badge shows it: undefined when healthy or
 * not running (a stopped workspace's agents are expected to be gone),
 * otherwise a sentence per failing agent for the tooltip.
 */
export function workspaceUnhealthy(ws: Workspace): { reasons: string[] } | undefined {
  if (ws.latest_build?.status !== "running" || ws.health?.healthy !== false) return undefined;
  const agents = new Map<string, WorkspaceAgent>();
  for (const r of ws.latest_build.resources ?? []) for (const a of r.agents ?? []) agents.set(a.id ?? "", a);
  const failing = ws.health.failing_agents ?? [];
  const reasons = failing.map((id) => {
    const a = agents.get(id);
    return a ? `Agent ${a.name}: ${a.health?.reason || agentStatus(a.status).label.toLowerCase()}` : "An agent is unhealthy";
  });
  return { reasons: reasons.length ? reasons : ["Some agents are unhealthy"] };
}
