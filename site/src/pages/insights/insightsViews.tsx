// Views shared by a template's usage tab and the deployment's activity page.
import { humanSeconds } from "../../api/insights";
import type { TemplateAppUsage, TemplateInsightsIntervalReport, UserActivity } from "../../api/types";
import { BarChart, Select, Table } from "../../components";

export const RANGES = [
  { value: "7", label: "Last 7 days" },
  { value: "28", label: "Last 4 weeks" },
  { value: "84", label: "Last 12 weeks" },
];

export const INTERVALS = [
  { value: "day", label: "Per day" },
  { value: "week", label: "Per week" },
];

export function RangePicker({
  days,
  interval,
  onDays,
  onInterval,
}: {
  days: number;
  interval?: string;
  onDays: (d: number) => void;
  onInterval?: (i: "day" | "week") => void;
}) {
  return (
    <div className="toolbar">
      <Select label="Range" value={String(days)} options={RANGES} onChange={(e) => onDays(Number(e.target.value))} />
      {onInterval && <Select label="Interval" value={interval} options={INTERVALS} onChange={(e) => onInterval(e.target.value as "day" | "week")} />}
    </div>
  );
}

/** "Aug 1" style label of an interval's start (its own offset's date). */
export function intervalLabel(r: TemplateInsightsIntervalReport): string {
  return (r.start_time ?? "").slice(0, 10);
}

export function ActiveUsersChart({ reports, interval }: { reports: TemplateInsightsIntervalReport[]; interval: string }) {
  return (
    <BarChart
      title={`Active users per ${interval}`}
      valueLabel="Active users"
      bars={reports.map((r) => ({ label: intervalLabel(r), value: r.active_users ?? 0 }))}
    />
  );
}

export function AppUsageTable({ apps }: { apps: TemplateAppUsage[] }) {
  const used = apps.filter((a) => (a.seconds ?? 0) > 0 || (a.times_used ?? 0) > 0);
  if (!used.length) return <p className="muted">No sessions in this range.</p>;
  return (
    <Table caption="Time by way in">
      <thead>
        <tr>
          <th scope="col">Way in</th>
          <th scope="col">Time</th>
          <th scope="col">Sessions</th>
        </tr>
      </thead>
      <tbody>
        {used.map((a) => (
          <tr key={`${a.type}:${a.slug}`}>
            <td>
              {a.display_name}
              {a.type === "app" && <span className="muted small"> · app</span>}
            </td>
            <td>{humanSeconds(a.seconds ?? 0)}</td>
            <td>{a.times_used ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function UserActivityTable({ users, templateName }: { users: UserActivity[]; templateName?: (id: string) => string }) {
  if (!users.length) return <p className="muted">No one used a workspace in this range.</p>;
  return (
    <Table caption="Time per user">
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Time</th>
          {templateName && <th scope="col">Templates</th>}
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <tr key={u.user_id}>
            <td>{u.username}</td>
            <td>{humanSeconds(u.seconds ?? 0)}</td>
            {templateName && <td>{(u.template_ids ?? []).map(templateName).join(", ")}</td>}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Active users per template, from who used which templates. */
export function usersPerTemplate(users: UserActivity[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const u of users) for (const id of u.template_ids ?? []) out.set(id, (out.get(id) ?? 0) + 1);
  return out;
}
