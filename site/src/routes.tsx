// The dashboard's route table: one line per page. Every page is its own
// lazily loaded module (a separate chunk) that exports `Component`; the URLs
// follow Coder's dashboard, so bookmarks and habits carry over.
// Add a page: one line here, a module under pages/ (see CONTRIBUTING.md).
import { Navigate, type RouteObject } from "react-router";
import { AppShell } from "./app/AppShell";
import { RequireAuth } from "./app/RequireAuth";
import { RouteError } from "./app/RouteError";
import { queryClient } from "./app/queryClient";
import { workspaceQuery, workspacesListParams, workspacesQuery } from "./api/workspaces";
import { tokensQuery, usersListParams, usersQuery } from "./api/users";
import { auditListParams, auditQuery } from "./api/audit";
import { groupsQuery } from "./api/groups";
import { organizationsQuery } from "./api/organizations";
import { deploymentConfigQuery, healthReportQuery } from "./api/deployment";
import { templateQuery, templatesQuery } from "./api/templates";
import { meQuery } from "./api/auth";
import { mayOpen, permissionsQuery } from "./api/permissions";

/**
 * Starts a page's first fetch while its code loads, so a first visit makes
 * its requests in parallel rather than one after the other. Returns at once:
 * the page renders its own loading state.
 */
function prefetch(start: (url: URL, params: Record<string, string | undefined>) => void) {
  return ({ request, params }: { request: Request; params: Record<string, string | undefined> }) => {
    start(new URL(request.url), params);
    return null;
  };
}

/**
 * Like prefetch, for an administration page: starts its fetch only for a
 * user the server lets use it (asking first when not yet known), so no one
 * else sends a request the server would refuse.
 */
function prefetchAdmin(start: (url: URL, params: Record<string, string | undefined>) => void) {
  return prefetch((url, params) => {
    const allowed = async () => {
      const me = await queryClient.ensureQueryData(meQuery);
      if (!me?.id) return false;
      const perms = await queryClient.ensureQueryData(permissionsQuery(me.id));
      return mayOpen(url.pathname, perms);
    };
    // A failed check leaves it to the page, which shows why.
    allowed().then(
      (ok) => {
        if (ok) start(url, params);
      },
      () => {},
    );
  });
}

const prefetchTemplate = prefetch((_, { organization = "", template = "" }) => {
  if (organization && template) void queryClient.prefetchQuery(templateQuery(organization, template));
});
const prefetchTemplates = prefetch(() => void queryClient.prefetchQuery(templatesQuery()));

const prefetchWorkspace = prefetch((_, { owner = "", workspace = "" }) => {
  if (owner.startsWith("@")) void queryClient.prefetchQuery(workspaceQuery(owner.slice(1), workspace));
});

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      { path: "/login", lazy: () => import("./pages/auth/LoginPage") },
      { path: "/setup", lazy: () => import("./pages/auth/SetupPage") },
      {
        element: <RequireAuth />,
        children: [
          // Outside the app shell: a single card, like the sign-in page.
          { path: "/cli-auth", lazy: () => import("./pages/auth/CliAuthPage") },
          // Full window, as Coder's: /@owner/workspace[.agent]/terminal.
          { path: ":owner/:workspace/terminal", lazy: () => import("./pages/workspaces/TerminalPage") },
          {
            element: <AppShell />,
            children: [
              { index: true, element: <Navigate to="/workspaces" replace /> },
              {
                path: "workspaces",
                loader: prefetch((url) => {
                  const { q, offset, limit } = workspacesListParams(url.searchParams);
                  void queryClient.prefetchQuery(workspacesQuery(q, offset, limit));
                }),
                lazy: () => import("./pages/workspaces/WorkspacesPage"),
              },
              { path: ":owner/:workspace", loader: prefetchWorkspace, lazy: () => import("./pages/workspaces/WorkspacePage") },
              {
                path: ":owner/:workspace/settings",
                loader: prefetchWorkspace,
                lazy: () => import("./pages/workspaces/WorkspaceSettingsPage"),
              },
              {
                path: ":owner/:workspace/builds/:buildNumber",
                loader: prefetchWorkspace,
                lazy: () => import("./pages/workspaces/WorkspacePage"),
              },

              // Templates and create-workspace (templates helper).
              { path: "templates", loader: prefetchTemplates, lazy: () => import("./pages/templates/TemplatesPage") },
              { path: "templates/new", lazy: () => import("./pages/templates/CreateTemplatePage") },
              { path: "templates/:organization/:template/:tab?", loader: prefetchTemplate, lazy: () => import("./pages/templates/TemplatePage") },
              { path: "templates/:organization/:template/versions/new", loader: prefetchTemplate, lazy: () => import("./pages/templates/NewVersionPage") },
              { path: "templates/:organization/:template/versions/:version", loader: prefetchTemplate, lazy: () => import("./pages/templates/VersionPage") },
              { path: "templates/:organization/:template/settings/:section?", loader: prefetchTemplate, lazy: () => import("./pages/templates/TemplateSettingsPage") },
              { path: "templates/:organization/:template/workspace", loader: prefetchTemplate, lazy: () => import("./pages/templates/CreateWorkspacePage") },
              { path: "workspaces/new", loader: prefetchTemplates, lazy: () => import("./pages/templates/CreateWorkspacePage") },
              { path: ":owner/:workspace/settings/parameters", loader: prefetchWorkspace, lazy: () => import("./pages/workspaces/settings/WorkspaceParametersPage") },
              // Administration (admin helper).
              {
                lazy: () => import("./pages/admin/AdminLayout"),
                children: [
                  {
                    path: "users",
                    loader: prefetchAdmin((url) => {
                      const { q, offset, limit } = usersListParams(url.searchParams);
                      void queryClient.prefetchQuery(usersQuery(q, offset, limit));
                    }),
                    lazy: () => import("./pages/users/UsersPage"),
                  },
                  { path: "groups", loader: prefetchAdmin(() => void queryClient.prefetchQuery(groupsQuery())), lazy: () => import("./pages/groups/GroupsPage") },
                  { path: "groups/:groupId", lazy: () => import("./pages/groups/GroupPage") },
                  {
                    path: "organizations",
                    loader: prefetchAdmin(() => void queryClient.prefetchQuery(organizationsQuery())),
                    lazy: () => import("./pages/organizations/OrganizationsPage"),
                  },
                  { path: "organizations/:organization", lazy: () => import("./pages/organizations/OrganizationPage") },
                  { path: "organizations/:organization/roles/create", lazy: () => import("./pages/organizations/RoleEditorPage") },
                  { path: "organizations/:organization/roles/:roleName", lazy: () => import("./pages/organizations/RoleEditorPage") },
                  {
                    path: "audit",
                    loader: prefetchAdmin((url) => {
                      const { q, offset, limit } = auditListParams(url.searchParams);
                      void queryClient.prefetchQuery(auditQuery(q, offset, limit));
                    }),
                    lazy: () => import("./pages/audit/AuditPage"),
                  },
                  { path: "activity", lazy: () => import("./pages/insights/ActivityPage") },
                  {
                    path: "deployment/*",
                    loader: prefetchAdmin(() => void queryClient.prefetchQuery(deploymentConfigQuery())),
                    lazy: () => import("./pages/deployment/DeploymentPage"),
                  },
                  {
                    path: "health",
                    loader: prefetchAdmin(() => void queryClient.prefetchQuery(healthReportQuery())),
                    lazy: () => import("./pages/health/HealthPage"),
                  },
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
                  { path: "tokens", loader: prefetch(() => void queryClient.prefetchQuery(tokensQuery("me"))), lazy: () => import("./pages/settings/TokensPage") },
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
