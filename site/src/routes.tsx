// The dashboard's route table: one line per page. Every page is its own
// lazily loaded module (a separate chunk) that exports `Component`; the URLs
// follow Coder's dashboard (see /work/shared/DESIGN.md, "The dashboard").
// Add a page: one line here, a module under pages/ (see CONTRIBUTING.md).
import { Navigate, type RouteObject } from "react-router";
import { AppShell } from "./app/AppShell";
import { RequireAuth } from "./app/RequireAuth";
import { RouteError } from "./app/RouteError";

const placeholder = () => import("./pages/Placeholder");

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      { path: "/login", lazy: () => import("./pages/auth/LoginPage") },
      { path: "/setup", lazy: () => import("./pages/auth/SetupPage") },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppShell />,
            children: [
              { index: true, element: <Navigate to="/workspaces" replace /> },
              { path: "workspaces", lazy: () => import("./pages/workspaces/WorkspacesPage") },
              { path: ":owner/:workspace", lazy: () => import("./pages/workspaces/WorkspacePage") },
              { path: ":owner/:workspace/builds/:buildNumber", lazy: () => import("./pages/workspaces/WorkspacePage") },

              // Templates and create-workspace (templates helper).
              { path: "templates/*", lazy: placeholder },
              // Administration (admin helper).
              {
                lazy: () => import("./pages/admin/AdminLayout"),
                children: [
                  { path: "users", lazy: () => import("./pages/users/UsersPage") },
                  { path: "groups", lazy: () => import("./pages/groups/GroupsPage") },
                  { path: "groups/:groupId", lazy: () => import("./pages/groups/GroupPage") },
                  { path: "organizations", lazy: () => import("./pages/organizations/OrganizationsPage") },
                  { path: "organizations/:organization", lazy: () => import("./pages/organizations/OrganizationPage") },
                  { path: "organizations/:organization/roles/create", lazy: () => import("./pages/organizations/RoleEditorPage") },
                  { path: "organizations/:organization/roles/:roleName", lazy: () => import("./pages/organizations/RoleEditorPage") },
                  { path: "audit", lazy: () => import("./pages/audit/AuditPage") },
                  { path: "deployment/*", lazy: () => import("./pages/deployment/DeploymentPage") },
                  { path: "health", lazy: () => import("./pages/health/HealthPage") },
                ],
              },
              // Account (admin helper).
              {
                path: "settings",
                lazy: () => import("./pages/settings/SettingsLayout"),
                children: [
                  { index: true, element: <Navigate to="account" replace /> },
                  { path: "account", lazy: () => import("./pages/settings/AccountPage") },
                  { path: "security", lazy: () => import("./pages/settings/SecurityPage") },
                  { path: "tokens", lazy: () => import("./pages/settings/TokensPage") },
                  { path: "ssh-keys", lazy: () => import("./pages/settings/SSHKeyPage") },
                  { path: "appearance", lazy: () => import("./pages/settings/AppearancePage") },
                ],
              },

              { path: "*", lazy: () => import("./pages/NotFoundPage") },
            ],
          },
        ],
      },
    ],
  },
];
