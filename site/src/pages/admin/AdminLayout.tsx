import { SideNavLayout } from "../../components";

/** Administration: users, groups, organizations, audit, activity, deployment, health. */
export function Component() {
  return (
    <SideNavLayout
      label="Administration"
      items={[
        { to: "/users", label: "Users" },
        { to: "/groups", label: "Groups" },
        { to: "/organizations", label: "Organizations" },
        { to: "/audit", label: "Audit log" },
        { to: "/activity", label: "Activity" },
        { to: "/deployment", label: "Deployment" },
        { to: "/health", label: "Health" },
      ]}
    />
  );
}
