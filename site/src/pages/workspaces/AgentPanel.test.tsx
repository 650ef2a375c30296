import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Workspace, WorkspaceAgent } from "../../api/types";
import { AgentPanel } from "./AgentPanel";

// Stand-ins for the browser's streams, so a test can push what the server
// would send.
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  close() {}
  send(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
}
class FakeEventSource extends EventTarget {
  static all: FakeEventSource[] = [];
  constructor(public url: string) {
    super();
    FakeEventSource.all.push(this);
  }
  close() {}
  emit(type: string, data: unknown) {
    this.dispatchEvent(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

beforeEach(() => {
  FakeSocket.all = [];
  FakeEventSource.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("EventSource", FakeEventSource);
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => new Response(JSON.stringify({ ports: [{ port: 8080, network: "tcp", process_name: "python3" }] }), { headers: { "Content-Type": "application/json" } })),
  );
});
afterEach(() => vi.unstubAllGlobals());

const ws = { owner_name: "alice", name: "dev" } as Workspace;

function show(agent: WorkspaceAgent) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <AgentPanel agent={agent} ws={ws} />
    </QueryClientProvider>,
  );
}

describe("AgentPanel", () => {
  it("links the troubleshooting page when the agent timed out", () => {
    show({ id: "a1", name: "main", status: "timeout", lifecycle_state: "created", troubleshooting_url: "https://example.com/help", health: { healthy: false, reason: "agent is taking too long to connect" } });
    expect(screen.getByText("Timeout")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Troubleshooting" }).getAttribute("href")).toBe("https://example.com/help");
    expect(FakeEventSource.all).toHaveLength(0);
  });

  it("follows the startup logs while starting, grouped by source, and says when they overflowed", () => {
    show({
      id: "a1",
      name: "main",
      status: "connected",
      lifecycle_state: "starting",
      logs_overflowed: true,
      log_sources: [
        { id: "s1", display_name: "Startup Script" },
        { id: "s2", display_name: "Install tools" },
      ],
    });
    expect(screen.getByText("Logs overflowed.")).toBeTruthy();
    const socket = FakeSocket.all.find((s) => s.url.includes("/workspaceagents/a1/logs"));
    expect(socket?.url).toContain("follow=true");
    act(() =>
      socket!.send([
        { id: 1, source_id: "s1", output: "hello", level: "info" },
        { id: 2, source_id: "s2", output: "installing", level: "info" },
      ]),
    );
    // A reconnect's backlog is not shown twice.
    act(() => socket!.send([{ id: 2, source_id: "s2", output: "installing", level: "info" }, { id: 3, source_id: "s1", output: "done", level: "error" }]));
    const startup = screen.getByRole("region", { name: "Startup Script logs of agent main" });
    expect(within(startup).getByText("hello")).toBeTruthy();
    expect(within(startup).getByText("done")).toBeTruthy();
    expect(screen.getAllByText("installing")).toHaveLength(1);
  });

  it("shows metadata from the stream, marks stale values, and lists ports and app health", async () => {
    show({
      id: "a1",
      name: "main",
      status: "connected",
      lifecycle_state: "ready",
      apps: [{ id: "p1", slug: "code", display_name: "code-server", health: "unhealthy" }],
    });
    const source = FakeEventSource.all[0]!;
    expect(source.url).toBe("/api/v2/workspaceagents/a1/watch-metadata");
    act(() =>
      source.emit("data", [
        { description: { key: "load", display_name: "Load", interval: 10, timeout: 1 }, result: { collected_at: "2026-01-01T00:00:00Z", age: 2, value: "0.5", error: "" } },
        { description: { key: "disk", display_name: "Disk", interval: 10, timeout: 1 }, result: { collected_at: "2026-01-01T00:00:00Z", age: 300, value: "31%", error: "" } },
      ]),
    );
    expect(screen.getByText("0.5")).toBeTruthy();
    expect(screen.getByText("31%").className).toBe("metadata-stale");
    expect(screen.getByText(/stale, 300s old/)).toBeTruthy();
    expect(await screen.findByText("8080")).toBeTruthy();
    expect(screen.getByText("Unhealthy")).toBeTruthy();
    // Ready: the logs are fetched once when opened, not followed.
    expect(FakeSocket.all).toHaveLength(0);
  });
});
