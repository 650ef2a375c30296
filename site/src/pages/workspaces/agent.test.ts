import { describe, expect, it } from "vitest";
import type { Workspace, WorkspaceAgentLog } from "../../api/types";
import { appendLogs, type AgentMetadataItem } from "../../api/agents";
import {
  agentIsBusy,
  agentLifecycle,
  agentStatus,
  appHealth,
  groupLogs,
  metadataAge,
  metadataIsStale,
  workspaceUnhealthy,
} from "./agent";

describe("agent labels", () => {
  it("names every connection status, with a hint where something is wrong", () => {
    expect(agentStatus("connecting")).toMatchObject({ label: "Connecting", tone: "progress" });
    expect(agentStatus("connected")).toMatchObject({ label: "Connected", tone: "success" });
    expect(agentStatus("disconnected").tone).toBe("warning");
    expect(agentStatus("timeout")).toMatchObject({ label: "Timeout", tone: "danger" });
    expect(agentStatus("timeout").hint).toMatch(/connection timeout/);
    expect(agentStatus(undefined)).toMatchObject({ label: "Unknown", tone: "neutral" });
  });
  it("names every lifecycle state", () => {
    expect(agentLifecycle("starting")).toMatchObject({ label: "Starting", tone: "progress" });
    expect(agentLifecycle("ready")).toMatchObject({ label: "Ready", tone: "success" });
    expect(agentLifecycle("start_error")).toMatchObject({ label: "Start error", tone: "danger" });
    expect(agentLifecycle("start_timeout").tone).toBe("warning");
    expect(agentLifecycle("shutting_down").label).toBe("Shutting down");
    expect(agentLifecycle("off").label).toBe("Off");
  });
  it("expects new logs while connecting, starting or shutting down", () => {
    expect(agentIsBusy({ status: "connecting", lifecycle_state: "created" })).toBe(true);
    expect(agentIsBusy({ status: "connected", lifecycle_state: "starting" })).toBe(true);
    expect(agentIsBusy({ status: "connected", lifecycle_state: "ready" })).toBe(false);
    expect(agentIsBusy({ status: "disconnected", lifecycle_state: "start_error" })).toBe(false);
  });
  it("labels app health, none for an app without a health check", () => {
    expect(appHealth("healthy")).toMatchObject({ label: "Healthy", tone: "success" });
    expect(appHealth("unhealthy").tone).toBe("danger");
    expect(appHealth("initializing").tone).toBe("progress");
    expect(appHealth("disabled").label).toBe("");
    expect(appHealth(undefined).label).toBe("");
  });
});

const log = (id: number, source_id: string, output = `line ${id}`): WorkspaceAgentLog => ({ id, source_id, output, level: "info" });

describe("groupLogs", () => {
  const sources = [
    { id: "s1", display_name: "Startup Script", icon: "/icon/memory.svg" },
    { id: "s2", display_name: "Install tools", icon: "" },
  ];
  it("groups by source in order of first line, keeping line order", () => {
    const groups = groupLogs([log(1, "s2"), log(2, "s1"), log(3, "s2"), log(4, "s1")], sources);
    expect(groups.map((g) => g.name)).toEqual(["Install tools", "Startup Script"]);
    expect(groups[0]!.logs.map((l) => l.id)).toEqual([1, 3]);
    expect(groups[1]!.logs.map((l) => l.id)).toEqual([2, 4]);
    expect(groups[1]!.icon).toBe("/icon/memory.svg");
    expect(groups[0]!.icon).toBeUndefined();
  });
  it("names a source the agent did not describe", () => {
    expect(groupLogs([log(1, "zz")], sources)[0]!.name).toBe("Unknown source");
    expect(groupLogs([], sources)).toEqual([]);
  });
});

describe("appendLogs", () => {
  it("skips lines already shown (a reconnect resends the backlog)", () => {
    const have = [log(1, "s"), log(2, "s")];
    const next = appendLogs(have, [log(1, "s"), log(2, "s"), log(3, "s")]);
    expect(next.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(appendLogs(next, [log(2, "s")])).toBe(next);
  });
});

describe("metadata staleness", () => {
  const item = (age: number, interval: number, timeout: number, collected = "2026-01-01T00:00:00Z"): AgentMetadataItem => ({
    description: { key: "k", display_name: "K", interval, timeout },
    result: { age, collected_at: collected, value: "v", error: "" },
  });
  it("counts age from the server's age plus the time since the event", () => {
    expect(metadataAge(item(3, 10, 1), 1_000, 6_500)).toBe(8);
    expect(metadataAge(item(0, 10, 1), 5_000, 4_000)).toBe(0);
  });
  it("is stale past the interval plus twice the timeout, at least 5 s", () => {
    const m = item(0, 10, 2);
    expect(metadataIsStale(m, 14)).toBe(false);
    expect(metadataIsStale(m, 15)).toBe(true);
    const fast = item(0, 1, 0);
    expect(metadataIsStale(fast, 5)).toBe(false);
    expect(metadataIsStale(fast, 6)).toBe(true);
  });
  it("is never stale before the first collection", () => {
    expect(metadataIsStale(item(999, 1, 0, "0001-01-01T00:00:00Z"), 999)).toBe(false);
  });
});

describe("workspaceUnhealthy", () => {
  const ws = (status: string, healthy: boolean, failing: string[] = []): Workspace =>
    ({
      health: { healthy, failing_agents: failing },
      latest_build: {
        status,
        resources: [{ agents: [{ id: "a1", name: "main", status: "timeout", health: { healthy: false, reason: "agent is taking too long to connect" } }] }],
      },
    }) as Workspace;
  it("says nothing for a healthy or not-running workspace", () => {
    expect(workspaceUnhealthy(ws("running", true))).toBeUndefined();
    expect(workspaceUnhealthy(ws("stopped", false, ["a1"]))).toBeUndefined();
  });
  it("gives each failing agent's reason", () => {
    expect(workspaceUnhealthy(ws("running", false, ["a1"]))?.reasons).toEqual(["Agent main: agent is taking too long to connect"]);
    expect(workspaceUnhealthy(ws("running", false, ["gone"]))?.reasons).toEqual(["An agent is unhealthy"]);
    expect(workspaceUnhealthy(ws("running", false))?.reasons).toEqual(["Some agents are unhealthy"]);
  });
});
