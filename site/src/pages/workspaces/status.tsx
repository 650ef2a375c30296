import type { Workspace, WorkspaceStatus } from "../../api/types";
import { Badge, type Tone } from "../../components";
import { workspaceUnhealthy } from "./agent";

const statuses: Record<WorkspaceStatus, { label: string; tone: Tone }> = {
  pending: { label: "Pending", tone: "progress" },
  starting: { label: "Starting", tone: "progress" },
  running: { label: "Running", tone: "success" },
  stopping: { label: "Stopping", tone: "progress" },
  stopped: { label: "Stopped", tone: "neutral" },
  failed: { label: "Failed", tone: "danger" },
  canceling: { label: "Canceling", tone: "warning" },
  canceled: { label: "Canceled", tone: "warning" },
  deleting: { label: "Deleting", tone: "progress" },
  deleted: { label: "Deleted", tone: "neutral" },
};

export function statusOf(ws: Workspace | undefined): WorkspaceStatus {
  return ws?.latest_build?.status ?? "pending";
}

export function StatusBadge({ ws }: { ws: Workspace }) {
  const s = statuses[statusOf(ws)] ?? { label: statusOf(ws), tone: "neutral" as Tone };
  return (
    <Badge tone={s.tone} className="status-badge">
      {s.tone === "progress" && <span className="spinner spinner-inline" aria-hidden="true" />}
      {s.label}
    </Badge>
  );
}

/**
 * "Unhealthy" next to a running workspace whose agents are failing (not
 * connected, or their startup failed), as Coder's dashboard shows it; the
 * reasons are its tooltip and, for screen readers, its text.
 */
export function HealthBadge({ ws }: { ws: Workspace }) {
  const bad = workspaceUnhealthy(ws);
  if (!bad) return null;
  const text = bad.reasons.join("; ");
  return (
    <span className="health-badge" title={text} data-testid="workspace-unhealthy">
      <Badge tone="warning">Unhealthy</Badge>
      <span className="visually-hidden">: {text}</span>
    </span>
  );
}

/** What the user can do to a workspace in each state. */
export function canStart(ws: Workspace): boolean {
  const s = statusOf(ws);
  return s === "stopped" || s === "failed" || s === "canceled";
}
export function canStop(ws: Workspace): boolean {
  const s = statusOf(ws);
  return s === "running" || s === "failed";
}
export function canDelete(ws: Workspace): boolean {
  const s = statusOf(ws);
  return s !== "deleting" && s !== "deleted" && s !== "pending" && s !== "starting" && s !== "stopping";
}
export function canCancel(ws: Workspace): boolean {
  const s = statusOf(ws);
  return (s === "pending" || s === "starting" || s === "stopping" || s === "deleting") && ws.template_allow_user_cancel_workspace_jobs !== false;
}
