import { useBuildInfo } from "../../api/auth";
import { useHealthz } from "../../api/deployment";
import { Badge, Button, PageHeader, QueryState } from "../../components";

/**
 * What the server reports about its health today: /healthz (the process
 * and its database). A fuller report (replicas, provisioners, the
 * workspace proxy) comes with the operations issue.
 */
export function Component() {
  const health = useHealthz();
  const build = useBuildInfo();
  return (
    <>
      <PageHeader
        title="Health"
        actions={
          <Button loading={health.isFetching} onClick={() => void health.refetch()}>
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
        <p className="muted">A fuller health report (replicas, provisioner daemons, database latency) comes with the operations work.</p>
      </div>
    </>
  );
}
