import { useState } from "react";
import { useTemplateInsights, useUserActivity, type InsightsInterval } from "../../api/insights";
import type { Template } from "../../api/types";
import { QueryState } from "../../components";
import { ActiveUsersChart, AppUsageTable, RangePicker, UserActivityTable } from "./insightsViews";

/** A template's usage: active users per day or week, time by way in and per user. */
export function TemplateUsage({ t }: { t: Template }) {
  const [days, setDays] = useState(28);
  const [interval, setStep] = useState<InsightsInterval>("week");
  const ids = t.id ? [t.id] : [];
  const insights = useTemplateInsights(days, interval, ids);
  const activity = useUserActivity(days, ids);
  return (
    <div className="stack">
      <RangePicker days={days} interval={interval} onDays={setDays} onInterval={setStep} />
      <QueryState query={insights} loadingLabel="Loading usage…">
        {(data) => (
          <div className="grid-2">
            <section className="card" aria-labelledby="active-title">
              <h2 id="active-title">Active users</h2>
              <p className="muted">{data.report?.active_users ?? 0} in this range.</p>
              <ActiveUsersChart reports={data.interval_reports ?? []} interval={interval} />
            </section>
            <section className="card" aria-labelledby="apps-title">
              <h2 id="apps-title">App usage</h2>
              <AppUsageTable apps={data.report?.apps_usage ?? []} />
            </section>
          </div>
        )}
      </QueryState>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <QueryState query={activity} loadingLabel="Loading users…">
          {(data) => <UserActivityTable users={data.report?.users ?? []} />}
        </QueryState>
      </section>
    </div>
  );
}
