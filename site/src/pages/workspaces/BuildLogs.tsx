import { useEffect, useRef } from "react";
import type { ProvisionerJobLog } from "../../api/types";
import { ErrorAlert } from "../../components";

/**
 * A build's logs, grouped by stage, following the end while new lines
 * arrive (unless the reader scrolled up). Announced politely to screen
 * readers only by its status line, not line by line.
 */
export function BuildLogs({ logs, streaming, error, label }: { logs: ProvisionerJobLog[]; streaming: boolean; error?: unknown; label: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [logs.length]);
  if (error) return <ErrorAlert error={error} title="Could not load the build logs" />;
  let stage = "";
  return (
    <div>
      <p className="muted small" role="status">
        {streaming ? `Streaming logs… ${logs.length} lines` : `${logs.length} log lines`}
      </p>
      <pre
        ref={ref}
        className="logs"
        tabIndex={0}
        aria-label={label}
        data-testid="build-logs"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {logs.map((l) => {
          const header = l.stage && l.stage !== stage ? (stage = l.stage) : "";
          return (
            <span key={l.id}>
              {header && <span className="log-stage">{`==> ${header}\n`}</span>}
              <span className={l.log_level === "error" ? "log-error" : undefined}>
                <span className="log-time">{l.created_at ? new Date(l.created_at).toLocaleTimeString() : ""}</span>
                {l.output}
                {"\n"}
              </span>
            </span>
          );
        })}
        {logs.length === 0 && (streaming ? "Waiting for logs…" : "No logs.")}
      </pre>
    </div>
  );
}
