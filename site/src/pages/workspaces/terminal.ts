// The browser terminal's plain logic, kept apart from xterm.js so it is
// tested without a DOM terminal.
import type { Workspace, WorkspaceAgent } from "../../api/types";

/** Splits the route's "name.agent" (or "name") into its parts. */
export function parseTerminalTarget(param: string): { workspace: string; agent?: string } {
  const dot = param.indexOf(".");
  if (dot < 0) return { workspace: param };
  return { workspace: param.slice(0, dot), agent: param.slice(dot + 1) };
}

/**
 * The agent a terminal opens on: the named one, or the only one when none is
 * named. An error message says why there is none.
 */
export function pickAgent(ws: Workspace, name?: string): WorkspaceAgent | string {
  const agents = (ws.latest_build?.resources ?? []).flatMap((r) => r.agents ?? []);
  if (name) return agents.find((a) => a.name === name) ?? `This workspace has no agent named "${name}".`;
  const [only] = agents;
  if (agents.length === 1 && only) return only;
  if (agents.length === 0) return "This workspace has no agent: start it first.";
  return `This workspace has several agents; open /@${ws.owner_name}/${ws.name}.<agent>/terminal.`;
}

/** Whether the workspace page offers a terminal for the agent. */
export function hasWebTerminal(agent: WorkspaceAgent): boolean {
  return (agent.display_apps ?? []).includes("web_terminal");
}

/** The terminal page of an agent. */
export function terminalPath(ws: Workspace, agent: WorkspaceAgent): string {
  return `/@${ws.owner_name}/${ws.name}.${agent.name}/terminal`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The terminal's reconnect id: the URL's, so a reload reattaches to the same
 * shell; else a new one (the page then writes it into the URL).
 */
export function reconnectId(search: URLSearchParams, make: () => string = () => crypto.randomUUID()): { id: string; fresh: boolean } {
  const id = search.get("reconnect") ?? "";
  if (UUID.test(id)) return { id, fresh: false };
  return { id: make(), fresh: true };
}

/** One message to the server: keystrokes or a resize (Coder's format). */
export function encodeInput(data: string): string {
  return JSON.stringify({ data });
}

export function encodeResize(rows: number, cols: number): string {
  return JSON.stringify({ height: rows, width: cols });
}
