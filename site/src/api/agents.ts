// Workspace agents: startup logs (following over a WebSocket while new
// lines are expected), metadata (the server's SSE stream), listening ports.
import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, apiURL, websocketURL } from "./client";
import { openWithRetry } from "./live";
import type { WorkspaceAgentListeningPortsResponse, WorkspaceAgentLog, WorkspaceAgentMetadataDescription } from "./types";

/**
 * One item of GET /workspaceagents/{id}/watch-metadata's "data" events
 * (codersdk.WorkspaceAgentMetadata). Written here because swagger cannot
 * describe an event stream's payload, so it is not in schema.ts; the
 * description part is the generated type.
 */
export interface AgentMetadataItem {
  description?: WorkspaceAgentMetadataDescription;
  result?: {
    collected_at?: string;
    /** Seconds since collected_at when the server sent it. */
    age?: number;
    value?: string;
    error?: string;
  };
}

export const agentKeys = {
  ports: (id: string) => ["workspaceagents", id, "listening-ports"] as const,
};

/** Appends logs not seen yet (by id), keeping id order. */
export function appendLogs(have: WorkspaceAgentLog[], more: WorkspaceAgentLog[]): WorkspaceAgentLog[] {
  const last = have.length ? (have[have.length - 1]!.id ?? 0) : 0;
  const fresh = more.filter((l) => (l.id ?? 0) > last);
  return fresh.length ? [...have, ...fresh] : have;
}

export interface AgentLogs {
  logs: WorkspaceAgentLog[];
  /** True while following the live stream. */
  streaming: boolean;
  error?: unknown;
}

/**
 * An agent's logs. With follow they stream from .../logs?follow (each
 * message a JSON array of new logs; a reconnect sends the backlog again,
 * which appendLogs skips); without, one request. Lines already shown stay
 * when follow changes.
 */
export function useAgentLogs(agentId: string | undefined, follow: boolean, enabled = true): AgentLogs {
  const [state, setState] = useState<AgentLogs & { id?: string }>({ logs: [], streaming: false });
  useEffect(() => {
    if (!agentId || !enabled) return;
    const add = (more: WorkspaceAgentLog[]) =>
      setState((s) => (s.id === agentId ? { ...s, logs: appendLogs(s.logs, more) } : { id: agentId, logs: appendLogs([], more), streaming: follow }));
    setState((s) => (s.id === agentId ? { ...s, streaming: follow, error: undefined } : { id: agentId, logs: [], streaming: follow }));
    if (follow) {
      return openWithRetry(
        websocketURL(`/workspaceagents/${agentId}/logs`, { follow: true }),
        (raw) => add(JSON.parse(raw) as WorkspaceAgentLog[]),
        () => setState((s) => (s.id === agentId ? { ...s, streaming: false } : s)),
      );
    }
    const ctl = new AbortController();
    api.get<WorkspaceAgentLog[]>(`/workspaceagents/${agentId}/logs`, { signal: ctl.signal }).then(add, (error: unknown) => {
      if (!ctl.signal.aborted) setState((s) => (s.id === agentId ? { ...s, error } : { id: agentId, logs: [], streaming: false, error }));
    });
    return () => ctl.abort();
  }, [agentId, follow, enabled]);
  return state.id === agentId ? state : { logs: [], streaming: follow && enabled };
}

export interface AgentMetadata {
  items: AgentMetadataItem[];
  /** When the last "data" event arrived (ms since the epoch); ages count from it. */
  receivedAt: number;
  error?: string;
}

/**
 * An agent's metadata, live from .../watch-metadata (Server-Sent Events:
 * every item at once after each change). EventSource reconnects by itself.
 */
export function useAgentMetadata(agentId: string | undefined, enabled: boolean): AgentMetadata | undefined {
  const [state, setState] = useState<AgentMetadata & { id: string }>();
  useEffect(() => {
    if (!agentId || !enabled) return;
    const source = new EventSource(apiURL(`/workspaceagents/${agentId}/watch-metadata`));
    source.addEventListener("data", (e) => {
      try {
        const items = JSON.parse((e as MessageEvent<string>).data) as AgentMetadataItem[];
        if (Array.isArray(items)) setState({ id: agentId, items, receivedAt: Date.now() });
      } catch {
        // A malformed event is skipped; the next one replaces every item.
      }
    });
    // The server's own "error" event carries a codersdk.Response; a
    // connection error (no data) is EventSource's and it retries itself.
    source.addEventListener("error", (e) => {
      const data = e instanceof MessageEvent && typeof e.data === "string" ? e.data : "";
      if (!data) return;
      let message = "The metadata stream failed.";
      try {
        message = (JSON.parse(data) as { message?: string }).message || message;
      } catch {
        // keep the generic message
      }
      setState((s) => ({ id: agentId, items: s?.id === agentId ? s.items : [], receivedAt: s?.receivedAt ?? Date.now(), error: message }));
    });
    return () => source.close();
  }, [agentId, enabled]);
  return state?.id === agentId ? state : undefined;
}

/** How often the listening ports are refreshed while the agent is connected. */
export const PORTS_REFRESH_MS = 5_000;

export function useListeningPorts(agentId: string | undefined, connected: boolean) {
  return useQuery({
    queryKey: agentKeys.ports(agentId ?? ""),
    queryFn: ({ signal }) => api.get<WorkspaceAgentListeningPortsResponse>(`/workspaceagents/${agentId}/listening-ports`, { signal }),
    enabled: !!agentId && connected,
    refetchInterval: connected ? PORTS_REFRESH_MS : false,
  });
}
