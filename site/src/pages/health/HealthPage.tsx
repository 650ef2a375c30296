import type { UseQueryResult } from "@tanstack/react-query";
import { useBuildInfo } from "../../api/auth";
import { useHealthReport, useHealthz, useRecheckHealthReport } from "../../api/deployment";
import type { HealthcheckReport } from "../../api/types";
import { Badge, Button, EmptyState, ErrorAlert, Loading, PageHeader, QueryState, Table } from "../../components";
import { absoluteTime, relativeTime } from "../../utils/time";
import { checks, daemonRows, formatLatency, isOwnersOnly, replicaRows, verdict, warnings } from "./health";

/**
 * What the server reports about its health: /healthz (this process and its
 * database, for anyone) and, for owners, the health report of
 * /debug/health (a verdict per check, the live replicas, warnings).
 */
export function Component() {
  const health = useHealthz();
  const report = useHealthReport();
  const build = useBuildInfo();
  const recheck = useRecheckHealthReport();
  return (
    <>
      <PageHeader
        title="Health"
        actions={
          <Button
            loading={health.isFetching || report.isFetching}
            onClick={() => {
              void health.refetch();
              // A new report, not the one the server keeps for a few seconds.
              if (report.isSuccess) void recheck().catch(() => report.refetch());
              else void report.refetch();
            }}
          >
            Check again
          </Button>
        }
      >
        What this server reports about itself.
      </PageHeader>
      <div className="stack">
        <section className="card" aria-labelledby="healthz-title">
          <h2 id="healthz-title">Server and database</h2>
          <QueryState query={health} loadingLabel="Checking…">
            {(h) => (
              <div className="stack">
                <p className="health-status" role="status">
                  <Badge tone={h.ok ? "success" : "danger"}>{h.ok ? "Healthy" : "Unhealthy"}</Badge>{" "}
                  {h.ok ? "The server answers and reaches its database." : h.text}
                </p>
                <dl className="kv">
                  <dt>Check</dt>
                  <dd>
                    <a href="/healthz">GET /healthz</a> answered {h.status}
                    {h.retryAfter !== undefined && `, asking to retry in ${h.retryAfter} s`}
                  </dd>
                  <dt>Checked</dt>
                  <dd>{new Date(h.checkedAt).toLocaleTimeString()}</dd>
                </dl>
              </div>
            )}
          </QueryState>
        </section>
        <HealthReport query={report} />
        <section className="card" aria-labelledby="build-title">
          <h2 id="build-title">Build</h2>
          <QueryState query={build}>
            {(b) => (
              <dl className="kv">
                <dt>Version</dt>
                <dd>{b.version}</dd>
                {b.external_url && (
                  <>
                    <dt>Source</dt>
                    <dd>{b.external_url}</dd>
                  </>
                )}
              </dl>
            )}
          </QueryState>
        </section>
      </div>
    </>
  );
}

function HealthReport({ query }: { query: UseQueryResult<HealthcheckReport> }) {
  let body;
  if (query.isPending) body = <Loading label="Getting the health report…" />;
  else if (query.isError && isOwnersOnly(query.error))
    body = <p className="muted">The health report is for owners only. Ask an owner of this deployment if you need it.</p>;
  else if (query.isError) body = <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  else body = <ReportDetails report={query.data} />;
  return (
    <section className="card stack" aria-labelledby="report-title">
      <h2 id="report-title">Health report</h2>
      {body}
    </section>
  );
}

function ReportDetails({ report }: { report: HealthcheckReport }) {
  const overall = verdict(report.severity);
  const found = warnings(report);
  const replicas = replicaRows(report);
  const daemons = daemonRows(report);
  const db = report.database;
  return (
    <>
      <p className="health-status" data-overall={report.severity}>
        <Badge tone={overall.tone}>{overall.label}</Badge>{" "}
        {report.severity === "ok"
          ? "Every check passed."
          : report.severity === "warning"
            ? "Working, with warnings below."
            : "At least one check failed."}
      </p>
      <dl className="kv">
        <dt>Server version</dt>
        <dd>{report.coder_version}</dd>
        <dt>Database latency</dt>
        <dd>{db?.reachable ? db.latency || `${db.latency_ms ?? 0}ms` : "unreachable"}</dd>
        <dt>Reported</dt>
        <dd>{absoluteTime(report.time)}</dd>
      </dl>
      <Table caption="Checks">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Status</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {checks(report).map((c) => (
            <tr key={c.name} data-check={c.name}>
              <th scope="row">{c.name}</th>
              <td>
                <Badge tone={c.verdict.tone}>{c.verdict.label}</Badge>
              </td>
              <td>{c.summary}</td>
            </tr>
          ))}
        </tbody>
      </Table>

      <h3 id="warnings-title">Warnings</h3>
      {found.length === 0 ? (
        <p className="muted">No warnings.</p>
      ) : (
        <ul aria-labelledby="warnings-title" className="health-warnings">
          {found.map((w, i) => (
            <li key={`${w.section}-${w.code}-${i}`} data-code={w.code}>
              <Badge tone="warning">{w.code}</Badge> <span className="muted">{w.section}:</span> {w.message}
            </li>
          ))}
        </ul>
      )}

      {report.provisioner_daemons && (
        <>
          <h3 id="daemons-title">Provisioner daemons seen recently ({daemons.length})</h3>
          {daemons.length === 0 ? (
            <EmptyState title="No provisioner daemons">
              No daemon has been seen recently: templates cannot be imported nor workspaces built.
            </EmptyState>
          ) : (
            <Table caption="Provisioner daemons">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Version</th>
                  <th scope="col">Provisioners</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Warnings</th>
                </tr>
              </thead>
              <tbody>
                {daemons.map((d) => (
                  <tr key={d.id ?? d.name} data-daemon={d.name}>
                    <td>{d.name}</td>
                    <td>{d.version}</td>
                    <td>{(d.provisioners ?? []).join(", ")}</td>
                    <td title={d.last_seen_at ? absoluteTime(d.last_seen_at) : undefined}>
                      {d.last_seen_at ? relativeTime(d.last_seen_at) : "never"}
                    </td>
                    <td>
                      {d.warnings.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        d.warnings.map((w) => (
                          <Badge key={w.code} tone="warning">
                            {w.code}
                          </Badge>
                        ))
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </>
      )}

      <h3 id="replicas-title">Live replicas ({report.replicas?.count ?? replicas.length})</h3>
      {replicas.length === 0 ? (
        <EmptyState title="No live replicas">
          No replica has heartbeated recently{report.replicas?.error ? `: ${report.replicas.error}` : "."}
        </EmptyState>
      ) : (
        <Table caption="Live replicas">
          <thead>
            <tr>
              <th scope="col">Hostname</th>
              <th scope="col">Version</th>
              <th scope="col">Region</th>
              <th scope="col">Started</th>
              <th scope="col">Database latency</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {replicas.map((r) => (
              <tr key={r.id} data-replica={r.hostname}>
                <td>
                  {r.hostname}
                  {r.relay_address && <div className="muted small">{r.relay_address}</div>}
                </td>
                <td>{r.version ?? <span className="muted">mixed, see warnings</span>}</td>
                <td>{r.region_id ?? 0}</td>
                <td title={absoluteTime(r.created_at)}>{relativeTime(r.created_at)}</td>
                <td>{formatLatency(r.database_latency)}</td>
                <td>{r.error ? <Badge tone="danger">{r.error}</Badge> : <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
