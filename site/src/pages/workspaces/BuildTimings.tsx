import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { ErrorAlert, Loading, Table } from "../../components";

type Timings = components["schemas"]["codersdk.WorkspaceBuildTimings"];
interface Bar {
  label: string;
  kind: string;
  start: number;
  end: number;
}

/**
 * The latest build's timings as a chart: one bar per provisioner step,
 * agent connection and script, on a shared time axis. It is a table, so a
 * screen reader gets every row's name and duration; the bars are drawn for
 * the eye only.
 */
export function BuildTimings({ workspaceId, buildId }: { workspaceId: string; buildId: string }) {
  const timings = useQuery({
    // Keyed by build: a new build has new timings.
    queryKey: ["workspaces", "timings", workspaceId, buildId],
    queryFn: ({ signal }) => api.get<Timings>(`/workspaces/${workspaceId}/timings`, { signal }),
  });
  return (
    <section className="card" aria-labelledby="timings-title">
      <h2 id="timings-title">Build timings</h2>
      {timings.isPending ? (
        <Loading />
      ) : timings.isError ? (
        <ErrorAlert error={timings.error} />
      ) : (
        <TimingChart bars={toBars(timings.data)} />
      )}
    </section>
  );
}

function toBars(t: Timings): Bar[] {
  const bars: Bar[] = [];
  const add = (label: string, kind: string, s?: string, e?: string) => {
    const start = Date.parse(s ?? "");
    const end = Date.parse(e ?? "");
    if (!Number.isNaN(start) && !Number.isNaN(end) && end >= start) bars.push({ label, kind, start, end });
  };
  for (const p of t.provisioner_timings ?? []) add(`${p.stage} ${p.resource ?? ""} ${p.action ?? ""}`.trim(), "provisioner", p.started_at, p.ended_at);
  for (const c of t.agent_connection_timings ?? []) add(`${c.workspace_agent_name} connection`, "agent", c.started_at, c.ended_at);
  for (const s of t.agent_script_timings ?? []) add(`${s.workspace_agent_name} ${s.display_name}`, "script", s.started_at, s.ended_at);
  return bars.sort((a, b) => a.start - b.start);
}

function TimingChart({ bars }: { bars: Bar[] }) {
  if (bars.length === 0) return <p className="muted">No timings were recorded for this build.</p>;
  const t0 = Math.min(...bars.map((b) => b.start));
  const span = Math.max(1, Math.max(...bars.map((b) => b.end)) - t0);
  return (
    <Table caption="Build timings" className="timings">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Duration</th>
          <th scope="col">
            <span className="visually-hidden">Timeline</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {bars.map((b, i) => (
          <tr key={i}>
            <td>{b.label}</td>
            <td>{((b.end - b.start) / 1000).toFixed(2)} s</td>
            <td className="timeline" aria-hidden="true">
              <span className="timing-track">
                <span
                  className={`timing-bar timing-${b.kind}`}
                  style={{ left: `${((b.start - t0) / span) * 100}%`, width: `max(2px, ${((b.end - b.start) / span) * 100}%)` }}
                />
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
