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
              { path: "templates", lazy: () => import("./pages/templates/TemplatesPage") },
              { path: "templates/new", lazy: () => import("./pages/templates/CreateTemplatePage") },
              { path: "templates/:organization/:template/:tab?", lazy: () => import("./pages/templates/TemplatePage") },
              { path: "templates/:organization/:template/versions/new", lazy: () => import("./pages/templates/NewVersionPage") },
              { path: "templates/:organization/:template/versions/:version", lazy: () => import("./pages/templates/VersionPage") },
              { path: "templates/:organization/:template/settings/:section?", lazy: () => import("./pages/templates/TemplateSettingsPage") },
              { path: "templates/:organization/:template/workspace", lazy: () => import("./pages/templates/CreateWorkspacePage") },
              { path: "workspaces/new", lazy: () => import("./pages/templates/CreateWorkspacePage") },
              { path: ":owner/:workspace/settings/parameters", lazy: () => import("./pages/workspaces/settings/WorkspaceParametersPage") },
              // Administration (admin helper).
              { path: "users/*", lazy: placeholder },
              { path: "groups/*", lazy: placeholder },
              { path: "organizations/*", lazy: placeholder },
              { path: "audit", lazy: placeholder },
              { path: "deployment/*", lazy: placeholder },
              { path: "health", lazy: placeholder },
              // Account (admin helper).
              { path: "settings/*", lazy: placeholder },

              { path: "*", lazy: () => import("./pages/NotFoundPage") },
            ],
          },
        ],
      },
    ],
  },
];
