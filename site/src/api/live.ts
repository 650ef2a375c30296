// Live updates from the server's streams, over WebSockets: the browser
// allows only six HTTP/1.1 connections per host, which a page of
// Server-Sent Event streams would use up; WebSockets do not count there.
import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { websocketURL } from "./client";
import { getBuildLogs, storeWorkspace } from "./workspaces";
import type { ProvisionerJobLog, Workspace } from "./types";

interface ServerSentEvent {
  type: "data" | "ping" | "error";
  data?: unknown;
}

/** Reconnection waits: 1 s, 2 s, 4 s ... up to 30 s. */
function backoff(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** attempt);
}

/**
 * Keeps every cached view of the given workspaces current from
 * /workspaces/{id}/watch-ws. Reconnects when a stream drops; stops for a
 * workspace that was deleted or hidden (a normal closure).
 */
export function useWatchWorkspaces(ids: string[]): void {
  const qc = useQueryClient();
  const key = [...ids].sort().join(",");
  useEffect(() => {
    if (!key) return;
    const stops = key.split(",").map((id) =>
      openWithRetry(websocketURL(`/workspaces/${id}/watch-ws`), (raw) => {
        const ev = JSON.parse(raw) as ServerSentEvent;
        if (ev.type === "data" && ev.data) storeWorkspace(qc, ev.data as Workspace);
      }),
    );
    return () => stops.forEach((stop) => stop());
  }, [key, qc]);
}

/**
 * Opens a WebSocket and reopens it after an abnormal close, until stopped.
 * Returns the stop function.
 */
export function openWithRetry(url: string, onMessage: (data: string) => void, onNormalClose?: () => void): () => void {
  let stopped = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
    };
    socket.onmessage = (e) => onMessage(String(e.data));
    socket.onclose = (e) => {
      if (stopped) return;
      if (e.code === 1000) {
        onNormalClose?.();
        return;
      }
      timer = setTimeout(open, backoff(attempt++));
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}

export interface BuildLogs {
  logs: ProvisionerJobLog[];
  /** True while the stream is open (the build is still running). */
  streaming: boolean;
  error?: unknown;
}

/**
 * The logs of one build. While it runs they stream from
 * /workspacebuilds/{id}/logs?follow (the server sends what is stored, then
 * each new log, and closes the socket when the build completes); a finished
 * build's logs come in one request. `running` is read when the build id
 * changes: a build that finishes keeps its stream until the server closes.
 */
export function useBuildLogs(buildId: string | undefined, running: boolean): BuildLogs {
  const [state, setState] = useState<BuildLogs & { id?: string }>({ logs: [], streaming: false });
  const runningRef = useRef(running);
  runningRef.current = running;
  useEffect(() => {
    if (!buildId) return;
    const follow = runningRef.current;
    let lastId = 0;
    setState({ id: buildId, logs: [], streaming: follow });
    const append = (more: ProvisionerJobLog[]) => {
      const fresh = more.filter((l) => (l.id ?? 0) > lastId);
      if (!fresh.length) return;
      lastId = fresh[fresh.length - 1]!.id ?? lastId;
      setState((s) => (s.id === buildId ? { ...s, logs: [...s.logs, ...fresh] } : s));
    };
    if (follow) {
      // A reconnect gets the backlog again; append skips what it has.
      return openWithRetry(
        websocketURL(`/workspacebuilds/${buildId}/logs`, { follow: true }),
        (raw) => append([JSON.parse(raw) as ProvisionerJobLog]),
        () => setState((s) => (s.id === buildId ? { ...s, streaming: false } : s)),
      );
    }
    const ctl = new AbortController();
    getBuildLogs(buildId, ctl.signal).then(append, (error: unknown) => {
      if (!ctl.signal.aborted) setState((s) => (s.id === buildId ? { ...s, error } : s));
    });
    return () => ctl.abort();
  }, [buildId]);
  return state.id === buildId ? state : { logs: [], streaming: running };
}
