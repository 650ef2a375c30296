import { useEffect, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { websocketURL } from "../../api/client";
import type { WorkspaceAgent } from "../../api/types";
import { useWorkspace } from "../../api/workspaces";
import { ErrorAlert, Loading } from "../../components";
import { Component as NotFound } from "../NotFoundPage";
import { encodeInput, encodeResize, parseTerminalTarget, pickAgent, reconnectId } from "./terminal";

/**
 * /@owner/workspace[.agent]/terminal: a terminal in the workspace over the
 * agent's reconnecting PTY. The reconnect id lives in the URL, so a reload
 * reattaches to the same shell and replays its recent output.
 */
export function Component() {
  const params = useParams();
  const owner = params.owner ?? "";
  const target = parseTerminalTarget(params.workspace ?? "");
  const query = useWorkspace(owner.slice(1), target.workspace);
  if (!owner.startsWith("@")) return <NotFound />;
  if (query.isPending) return <Loading label="Loading workspace…" />;
  if (query.isError) return <ErrorAlert error={query.error} />;
  const agent = pickAgent(query.data, target.agent);
  return (
    <div className="terminal-page">
      <div className="row terminal-bar">
        <Link to={`/${owner}/${target.workspace}`}>← {target.workspace}</Link>
        {typeof agent !== "string" && <span className="muted small">agent {agent.name}</span>}
      </div>
      {typeof agent === "string" ? <ErrorAlert error={new Error(agent)} /> : <Terminal agent={agent} />}
    </div>
  );
}

type Status = "connecting" | "connected" | "disconnected";

function Terminal({ agent }: { agent: WorkspaceAgent }) {
  const box = useRef<HTMLDivElement>(null);
  const [search, setSearch] = useSearchParams();
  const [{ id, fresh }] = useState(() => reconnectId(search));
  const [status, setStatus] = useState<Status>("connecting");
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (fresh) setSearch((s) => { s.set("reconnect", id); return s; }, { replace: true });
  }, [fresh, id, setSearch]);

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    // xterm.js is loaded only here: its own chunk, not the dashboard's.
    void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit"), import("@xterm/xterm/css/xterm.css")]).then(
      ([{ Terminal: XTerm }, { FitAddon }]) => {
        if (disposed || !box.current) return;
        const term = new XTerm({ cursorBlink: true, fontSize: 14, convertEol: false });
        const fit = new FitAddon();
        term.loadAddon(fit);
        term.open(box.current);
        fit.fit();
        const socket = new WebSocket(
          websocketURL(`/workspaceagents/${agent.id}/pty`, { reconnect: id, height: term.rows, width: term.cols }),
        );
        socket.binaryType = "arraybuffer";
        socket.onopen = () => {
          setStatus("connected");
          term.focus();
        };
        socket.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
          term.write(typeof e.data === "string" ? e.data : new Uint8Array(e.data));
        };
        socket.onclose = () => setStatus("disconnected");
        const input = term.onData((d) => socket.readyState === WebSocket.OPEN && socket.send(encodeInput(d)));
        const resize = term.onResize(({ rows, cols }) => socket.readyState === WebSocket.OPEN && socket.send(encodeResize(rows, cols)));
        const onWindowResize = () => fit.fit();
        window.addEventListener("resize", onWindowResize);
        cleanup = () => {
          window.removeEventListener("resize", onWindowResize);
          input.dispose();
          resize.dispose();
          socket.close();
          term.dispose();
        };
      },
    );
    return () => {
      disposed = true;
      cleanup();
    };
  }, [agent.id, id, attempt]);

  return (
    <>
      {status === "disconnected" && (
        <div className="row" role="status">
          <span>Disconnected from the terminal.</span>
          <button className="btn" onClick={() => { setStatus("connecting"); setAttempt((n) => n + 1); }}>
            Reconnect
          </button>
        </div>
      )}
      <div ref={box} className="terminal" data-status={status} aria-label="Terminal" />
    </>
  );
}
