// Which administration entries each user sees, and what a page the user may
// not use shows: decided by the server's answers to one POST /authcheck.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { adminEntries, adminPageFor, mayOpen, SITE_CHECKS, topNavAdminLinks, type Permissions } from "../../api/permissions";
import { RESOURCE_ACTIONS, type GrantableResource } from "../../api/rbac";
import { AppShell } from "../../app/AppShell";
import { Component as AdminLayout } from "./AdminLayout";

const none: Permissions = Object.fromEntries(Object.keys(SITE_CHECKS).map((k) => [k, false])) as Permissions;
const grant = (...keys: (keyof Permissions)[]): Permissions => ({ ...none, ...Object.fromEntries(keys.map((k) => [k, true])) });

/**
 * What the server answers each built-in role (rbac/builtin.go), as the
 * built binary answered SITE_CHECKS: the site roles grant site-wide;
 * organization roles `any_org` checks (and, for an organization admin,
 * reading users).
 */
const ROLES: Record<string, Permissions> = {
  owner: grant(...(Object.keys(SITE_CHECKS) as (keyof Permissions)[])),
  member: none,
  "user-admin": grant("readAllUsers", "readAllGroups", "editAnyGroup", "readAllOrganizations", "editAnyOrgMembers"),
  "template-admin": grant("readAllUsers", "readAllGroups", "readAllOrganizations", "viewInsights"),
  auditor: grant("readAllUsers", "readAllGroups", "readAllOrganizations", "readAnyAuditLog", "viewInsights", "readDeploymentConfig"),
  "organization-admin": grant("readAllUsers", "editAnyGroup", "editAnyOrganization", "editAnyOrgMembers", "readAnyAuditLog", "viewInsights"),
};

const ALL = ["Users", "Groups", "Organizations", "Audit log", "Activity", "Deployment", "Health"];
const labels = (p: Permissions | undefined) => adminEntries(p).map((e) => e.label);
const top = (p: Permissions | undefined) => topNavAdminLinks(p).map((l) => l.label);

describe("the nav rule", () => {
  it("gives each role the entries its permissions allow", () => {
    expect(labels(ROLES.owner)).toEqual(ALL);
    expect(labels(ROLES.member)).toEqual([]);
    expect(labels(ROLES["user-admin"])).toEqual(["Users", "Groups", "Organizations"]);
    expect(labels(ROLES["template-admin"])).toEqual(["Users", "Groups", "Organizations", "Activity"]);
    expect(labels(ROLES.auditor)).toEqual(["Users", "Groups", "Organizations", "Audit log", "Activity", "Deployment"]);
    expect(labels(ROLES["organization-admin"])).toEqual(["Users", "Groups", "Organizations", "Audit log", "Activity"]);
    expect(labels(undefined)).toEqual([]);
  });

  it("puts Users, Audit and Deployment in the top bar when allowed, else one Administration link", () => {
    expect(top(ROLES.owner)).toEqual(["Users", "Audit", "Deployment"]);
    expect(top(ROLES.member)).toEqual([]);
    expect(top(ROLES["user-admin"])).toEqual(["Users"]);
    expect(top(ROLES["template-admin"])).toEqual(["Users"]);
    expect(top(ROLES.auditor)).toEqual(["Users", "Audit", "Deployment"]);
    expect(top(ROLES["organization-admin"])).toEqual(["Users", "Audit"]);
    // A custom role that only manages groups somewhere still reaches them.
    expect(topNavAdminLinks(grant("editAnyGroup"))).toEqual([{ to: "/groups", label: "Administration" }]);
    // A custom site role that reads the deployment's configuration.
    expect(labels(grant("readDeploymentConfig"))).toEqual(["Deployment"]);
  });

  it("covers a page's sub-pages, and nothing else", () => {
    expect(adminPageFor("/deployment/network")?.label).toBe("Deployment");
    expect(adminPageFor("/groups/1234")?.label).toBe("Groups");
    expect(adminPageFor("/organizations/acme/roles/create")?.label).toBe("Organizations");
    expect(adminPageFor("/users")?.label).toBe("Users");
    expect(adminPageFor("/usersettings")).toBeUndefined();
    expect(adminPageFor("/workspaces")).toBeUndefined();
  });

  it("asks only about actions the server's resource table has", () => {
    for (const c of Object.values(SITE_CHECKS)) {
      expect(RESOURCE_ACTIONS[c.object.resource_type as GrantableResource]).toContain(c.action);
    }
  });
});

// A stand-in server: /users/me is the signed-in user, /authcheck answers
// as the server would for `role`, pages' reads answer with empty data.
let role: string;
let requests: { path: string; body?: string }[];
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  role = "member";
  requests = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string, init?: RequestInit) => {
      const path = new URL(input, "http://dashboard.test").pathname.replace(/^\/api\/v2/, "");
      requests.push({ path, body: init?.body ? String(init.body) : undefined });
      if (path === "/users/me") return json({ id: `id-${role}`, username: role, email: `${role}@example.com`, roles: [] });
      if (path === "/authcheck") {
        const { checks } = JSON.parse(String(init?.body)) as { checks: Record<string, unknown> };
        return json(Object.fromEntries(Object.keys(checks).map((k) => [k, ROLES[role]![k as keyof Permissions] ?? false])));
      }
      // What the server says to someone who may not: the page must not show it.
      return json({ message: "Forbidden.", detail: "server refusal text" }, 403);
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const routes: RouteObject[] = [
  {
    element: <AppShell />,
    children: [
      { path: "/workspaces", element: <h1>Workspaces</h1> },
      {
        element: <AdminLayout />,
        children: ["/users", "/groups", "/organizations", "/audit", "/activity", "/deployment/*", "/health"].map((path) => ({ path, element: <h1>page {path}</h1> })),
      },
    ],
  },
];

function show(url: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

const linkNames = (nav: HTMLElement) => within(nav).queryAllByRole("link").map((a) => a.textContent);

describe("the top bar and the Administration side nav", () => {
  it.each([
    ["owner", ["Users", "Audit", "Deployment"], ALL],
    ["user-admin", ["Users"], ["Users", "Groups", "Organizations"]],
    ["template-admin", ["Users"], ["Users", "Groups", "Organizations", "Activity"]],
    ["auditor", ["Users", "Audit", "Deployment"], ["Users", "Groups", "Organizations", "Audit log", "Activity", "Deployment"]],
  ])("show %s its entries", async (who, topLinks, sideLinks) => {
    role = who;
    show("/users");
    await screen.findByRole("heading", { name: "page /users" });
    const main = screen.getByRole("navigation", { name: "Main" });
    expect(linkNames(main)).toEqual(["Workspaces", "Templates", ...topLinks]);
    expect(linkNames(screen.getByRole("navigation", { name: "Administration" }))).toEqual(sideLinks);
  });

  it("ask the server once, for every entry, however many pages are opened", async () => {
    role = "owner";
    const router = show("/users");
    await screen.findByRole("heading", { name: "page /users" });
    for (const [to, heading] of [
      ["/groups", "page /groups"],
      ["/deployment/network", "page /deployment/*"],
      ["/workspaces", "Workspaces"],
      ["/audit", "page /audit"],
    ]) {
      await router.navigate(to!);
      await screen.findByRole("heading", { name: heading });
    }
    const asks = requests.filter((r) => r.path === "/authcheck");
    expect(asks).toHaveLength(1);
    expect(Object.keys(JSON.parse(asks[0]!.body!).checks).sort()).toEqual(Object.keys(SITE_CHECKS).sort());
  });

  it("show a member no admin entries", async () => {
    show("/workspaces");
    await screen.findByRole("heading", { name: "Workspaces" });
    await waitFor(() => expect(requests.some((r) => r.path === "/authcheck")).toBe(true));
    expect(linkNames(screen.getByRole("navigation", { name: "Main" }))).toEqual(["Workspaces", "Templates"]);
  });
});

describe("an administration page the user may not use", () => {
  it.each(["/users", "/groups", "/organizations", "/audit", "/activity", "/deployment/network"])("shows a member NoAccess at %s, with no side nav", async (url) => {
    show(url);
    await screen.findByRole("heading", { name: "You do not have access to this page" });
    expect(screen.queryByRole("navigation", { name: "Administration" })).toBeNull();
    expect(screen.queryByRole("heading", { name: /^page / })).toBeNull();
    expect(screen.queryByText(/server refusal text/)).toBeNull();
    expect(screen.getByRole("link", { name: "Go to workspaces" })).toBeTruthy();
  });

  it("leaves Health open to a member (its /healthz is public), without an entry", async () => {
    show("/health");
    await screen.findByRole("heading", { name: "page /health" });
    expect(screen.queryByRole("navigation", { name: "Administration" })).toBeNull();
    expect(mayOpen("/health", ROLES.member!)).toBe(true);
    expect(mayOpen("/workspaces", ROLES.member!)).toBe(true);
    expect(mayOpen("/users", ROLES.member!)).toBe(false);
  });

  it("shows a user admin NoAccess on Deployment, beside the entries it may use", async () => {
    role = "user-admin";
    show("/deployment");
    await screen.findByRole("heading", { name: "You do not have access to this page" });
    expect(screen.getByRole("heading", { name: "Deployment", level: 1 })).toBeTruthy();
    expect(linkNames(screen.getByRole("navigation", { name: "Administration" }))).toEqual(["Users", "Groups", "Organizations"]);
    expect(screen.queryByRole("heading", { name: /^page / })).toBeNull();
  });

  it("is shown to those who may use it", async () => {
    role = "auditor";
    show("/deployment/network");
    await screen.findByRole("heading", { name: "page /deployment/*" });
    expect(screen.queryByRole("heading", { name: "You do not have access to this page" })).toBeNull();
  });
});
