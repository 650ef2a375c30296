import { describe, expect, it } from "vitest";
import type { Workspace, WorkspaceAgent } from "../../api/types";
import { encodeInput, encodeResize, hasWebTerminal, parseTerminalTarget, pickAgent, reconnectId, terminalPath } from "./terminal";

const agent = (name: string, display_apps: WorkspaceAgent["display_apps"] = ["web_terminal"]) =>
  ({ id: `id-${name}`, name, display_apps }) as WorkspaceAgent;
const workspace = (...agents: WorkspaceAgent[]) =>
  ({ name: "dev", owner_name: "alice", latest_build: { resources: [{ agents }] } }) as unknown as Workspace;

describe("terminal", () => {
  it("parses workspace.agent", () => {
    expect(parseTerminalTarget("dev")).toEqual({ workspace: "dev" });
    expect(parseTerminalTarget("dev.main")).toEqual({ workspace: "dev", agent: "main" });
  });

  it("picks the named or the only agent", () => {
    const main = agent("main");
    expect(pickAgent(workspace(main), undefined)).toBe(main);
    expect(pickAgent(workspace(main, agent("gpu")), "main")).toBe(main);
    expect(pickAgent(workspace(main, agent("gpu")), undefined)).toMatch(/several agents/);
    expect(pickAgent(workspace(main), "nope")).toMatch(/no agent named "nope"/);
    expect(pickAgent(workspace(), undefined)).toMatch(/no agent/);
  });

  it("offers a terminal only with web_terminal", () => {
    expect(hasWebTerminal(agent("main"))).toBe(true);
    expect(hasWebTerminal(agent("main", ["vscode"]))).toBe(false);
    expect(terminalPath(workspace(), agent("main"))).toBe("/@alice/dev.main/terminal");
  });

  it("keeps the URL's reconnect id so a reload reattaches", () => {
    const id = "0b7c4d8e-1f2a-4b3c-8d9e-0f1a2b3c4d5e";
    expect(reconnectId(new URLSearchParams({ reconnect: id }))).toEqual({ id, fresh: false });
    expect(reconnectId(new URLSearchParams({ reconnect: "junk" }), () => "new")).toEqual({ id: "new", fresh: true });
    expect(reconnectId(new URLSearchParams(), () => "new")).toEqual({ id: "new", fresh: true });
  });

  it("speaks Coder's message format", () => {
    expect(JSON.parse(encodeInput("ls\r"))).toEqual({ data: "ls\r" });
    expect(JSON.parse(encodeResize(24, 80))).toEqual({ height: 24, width: 80 });
  });
});
