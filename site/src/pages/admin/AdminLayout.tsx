import { SideNavLayout } from "../../components";
import { canSeeActivity, useInsightsPermissions } from "../../api/permissions";

/** Administration: users, groups, organizations, audit, activity, deployment, health. */
export function Component() {
  // Activity only for those the server lets read insights (not while it is asked).
  const activity = canSeeActivity(useInsightsPermissions().data);
  return (
    <SideNavLayout
      label="Administration"
      items={[
        { to: "/users", label: "Users" },
        { to: "/groups", label: "Groups" },
        { to: "/organizations", label: "Organizations" },
        { to: "/audit", label: "Audit log" },
        ...(activity ? [{ to: "/activity", label: "Activity" }] : []),
        { to: "/deployment", label: "Deployment" },
        { to: "/health", label: "Health" },
      ]}
    />
  );
}
