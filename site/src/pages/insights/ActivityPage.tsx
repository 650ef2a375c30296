import { useState } from "react";
import { useDeploymentDAUs, useUserActivity } from "../../api/insights";
import { useTemplates } from "../../api/templates";
import { canSeeActivity, canSeeDeploymentDAUs, usePermissions, type InsightsPermissions } from "../../api/permissions";
import { BarChart, ErrorAlert, Loading, NoAccess, PageHeader, QueryState, Table } from "../../components";
import { RangePicker, UserActivityTable, usersPerTemplate } from "./insightsViews";

/** Deployment-wide activity, for those who may read insights (template admins, auditors, owners). */
export function Component() {
  const perms = usePermissions();
  let body;
  if (perms.isPending) body = <Loading label="Checking your access…" />;
  else if (perms.isError) body = <ErrorAlert error={perms.error} onRetry={() => void perms.refetch()} />;
  else if (!canSeeActivity(perms.data)) {
    body = <NoAccess>Activity is for template administrators and auditors. Ask an owner of this deployment if you need it.</NoAccess>;
  } else body = <Activity perms={perms.data} />;
  return (
    <div className="stack">
      <PageHeader title="Activity" />
      {body}
    </div>
  );
}

/** Daily active users (with deployment read access), users per template, time per user. */
function Activity({ perms }: { perms: InsightsPermissions }) {
  const [days, setDays] = useState(28);
  const showDAUs = canSeeDeploymentDAUs(perms);
  const daus = useDeploymentDAUs(showDAUs);
  const activity = useUserActivity(days);
  const templates = useTemplates();
  const name = (id: string) => {
    const t = templates.data?.find((x) => x.id === id);
    return t ? t.display_name || t.name || id : id;
  };
  return (
    <>
      {showDAUs && (
        <section className="card" aria-labelledby="daus-title">
          <h2 id="daus-title">Daily active users</h2>
          <QueryState query={daus} loadingLabel="Loading daily users…">
            {(data) => (data.entries?.length ? <BarChart title="Daily active users" valueLabel="Users" bars={data.entries.map((e) => ({ label: e.date ?? "", value: e.amount ?? 0 }))} /> : <p className="muted">No one has used a workspace in the last 60 days.</p>)}
          </QueryState>
        </section>
      )}
      <RangePicker days={days} onDays={setDays} />
      <QueryState query={activity} loadingLabel="Loading activity…">
        {(data) => {
          const users = data.report?.users ?? [];
          const perTemplate = [...usersPerTemplate(users)].sort((a, b) => b[1] - a[1]);
          return (
            <div className="grid-2">
              <section className="card" aria-labelledby="per-template-title">
                <h2 id="per-template-title">Active users per template</h2>
                {perTemplate.length ? (
                  <Table caption="Active users per template">
                    <thead>
                      <tr>
                        <th scope="col">Template</th>
                        <th scope="col">Active users</th>
                      </tr>
                    </thead>
                    <tbody>
                      {perTemplate.map(([id, n]) => (
                        <tr key={id}>
                          <td>{name(id)}</td>
                          <td>{n}</td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                ) : (
                  <p className="muted">No template was used in this range.</p>
                )}
              </section>
              <section className="card" aria-labelledby="users-title">
                <h2 id="users-title">User activity</h2>
                <UserActivityTable users={users} templateName={name} />
              </section>
            </div>
          );
        }}
      </QueryState>
    </>
  );
}
