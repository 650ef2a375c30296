import { useEffect, useRef } from "react";
import { useMutation } from "@tanstack/react-query";
import { api } from "../../api/client";
import { isJobActive, useImportLogs, useTemplateVersion } from "../../api/templates";
import type { TemplateVersion } from "../../api/types";
import { Badge, Button, ErrorAlert, Loading } from "../../components";
import { BuildLogs } from "../workspaces/BuildLogs";
import { jobTone } from "./common";

/**
 * A version's import: its status and its log, streaming while it runs.
 * onSettled is called once, with the version, when the import has ended
 * (at once for one that ended before the page opened).
 */
export function ImportProgress({ versionId, onSettled }: { versionId: string; onSettled?: (v: TemplateVersion) => void }) {
  const version = useTemplateVersion(versionId);
  const status = version.data?.job?.status;
  const running = isJobActive(status);
  // Subscribe once the version is known, so a running import streams.
  const logs = useImportLogs(version.data ? versionId : undefined, running, () => void version.refetch());
  // The server closes the log stream when the job ends; should the
  // version still read as running right after, look again shortly (a
  // fallback for that race, not polling: it stops once the status settles).
  const streamEnded = !!version.data && !logs.streaming;
  useEffect(() => {
    if (!streamEnded || !running) return;
    const timer = setTimeout(() => void version.refetch(), 1000);
    return () => clearTimeout(timer);
  }, [streamEnded, running, version.dataUpdatedAt, version]);
  const cancel = useMutation({
    mutationFn: () => api.patch(`/templateversions/${versionId}/cancel`),
    onSettled: () => void version.refetch(),
  });
  const reported = useRef<string | undefined>(undefined);
  const settled = useRef(onSettled);
  settled.current = onSettled;
  useEffect(() => {
    if (!version.data || !status || isJobActive(status) || reported.current === versionId) return;
    reported.current = versionId;
    settled.current?.(version.data);
  }, [status, versionId, version.data]);

  if (version.isPending) return <Loading label="Loading the version…" />;
  if (version.isError) return <ErrorAlert error={version.error} onRetry={() => void version.refetch()} />;
  const v = version.data;
  return (
    <section className="card stack" aria-labelledby="import-title">
      <div className="section-title">
        <h2 id="import-title">Import of {v.name}</h2>
        <Badge tone={jobTone(status)}>{status}</Badge>
      </div>
      {running && (
        <div className="row">
          <progress className="grow" aria-label={`Import of ${v.name} in progress`} />
          {status !== "canceling" && (
            <Button loading={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel import
            </Button>
          )}
        </div>
      )}
      {cancel.error ? <ErrorAlert error={cancel.error} /> : null}
      {status === "failed" && (
        <div className="alert alert-error" role="alert">
          <strong className="alert-title">The import failed.</strong>
          <p className="alert-message">{v.job?.error || "See the log for why."}</p>
        </div>
      )}
      <BuildLogs logs={logs.logs} streaming={logs.streaming} error={logs.error} label={`Import log of ${v.name}`} />
    </section>
  );
}
