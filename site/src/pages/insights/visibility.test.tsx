// Who sees the insights pages: the Activity entry and page, and a
// template's Insights tab, follow the server's answer to POST /authcheck.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { canSeeActivity, canSeeDeploymentDAUs, SITE_CHECKS, templateInsightsCheck } from "../../api/permissions";
import { RESOURCE_ACTIONS, type GrantableResource } from "../../api/rbac";
import { Component as AdminLayout } from "../admin/AdminLayout";
import { Component as ActivityPage } from "./ActivityPage";
import { Component as TemplatePage } from "../templates/TemplatePage";

describe("the visibility rule", () => {
  it("shows Activity to those who may view template insights, and the daily users only with deployment read too", () => {
    expect(canSeeActivity(undefined)).toBe(false);
    expect(canSeeActivity({ viewInsights: false, readDeploymentConfig: true })).toBe(false);
    expect(canSeeActivity({ viewInsights: true, readDeploymentConfig: false })).toBe(true);
    expect(canSeeDeploymentDAUs({ viewInsights: true, readDeploymentConfig: false })).toBe(false);
    expect(canSeeDeploymentDAUs({ viewInsights: false, readDeploymentConfig: true })).toBe(false);
    expect(canSeeDeploymentDAUs({ viewInsights: true, readDeploymentConfig: true })).toBe(true);
  });

  it("asks only about actions the server's resource table has", () => {
    const checks = [...Object.values(SITE_CHECKS), templateInsightsCheck({ id: "t1", organization_id: "o1" })];
    for (const c of checks) {
      const resource = c.object?.resource_type as GrantableResource;
      expect(RESOURCE_ACTIONS[resource]).toContain(c.action);
    }
  });

  it("describes a template by its id and organization", () => {
    expect(templateInsightsCheck({ id: "t1", organization_id: "o1" })).toEqual({
      object: { resource_type: "template", resource_id: "t1", organization_id: "o1" },
      action: "view_insights",
    });
  });
});

// A stand-in server: /authcheck answers from `allowed`, a few reads answer
// with empty data, and every request is recorded.
let allowed: Record<string, boolean>;
let requests: string[];
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

beforeEach(() => {
  allowed = {};
  requests = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string, init?: RequestInit) => {
      const path = new URL(input, "http://dashboard.test").pathname.replace(/^\/api\/v2/, "");
      requests.push(path);
      if (path === "/users/me") return json({ id: "u1", username: "alice", roles: [] });
      if (path === "/authcheck") {
        const { checks } = JSON.parse(String(init?.body)) as { checks: Record<string, unknown> };
        return json(Object.fromEntries(Object.keys(checks).map((k) => [k, allowed[k] ?? false])));
      }
      if (path === "/organizations/acme/templates/web") return json(TEMPLATE);
      if (path.startsWith("/insights/")) return json({ report: { users: [] }, entries: [], interval_reports: [] });
      if (path === "/templates") return json([]);
      if (path.endsWith("/daus")) return allowed.view ? json({ entries: [] }) : json({ message: "You are not allowed to view this template's insights." }, 403);
      return json({});
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const TEMPLATE = { id: "t1", organization_id: "o1", organization_name: "acme", name: "web", display_name: "Web", active_version_id: "v1" };

function show(routes: RouteObject[], url: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  return render(
    <QueryClientProvider client={qc}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

const adminRoutes: RouteObject[] = [{ element: <AdminLayout />, children: [{ path: "/activity", element: <ActivityPage /> }, { path: "/users", element: <p>users</p> }] }];
const templateRoutes: RouteObject[] = [{ path: "/templates/:organization/:template/:tab?", element: <TemplatePage /> }];

describe("the Activity entry and page", () => {
  it("are not offered to a user who may not view insights: a direct URL says so", async () => {
    show(adminRoutes, "/activity");
    await screen.findByRole("heading", { name: "You do not have access to this page" });
    expect(screen.queryByRole("link", { name: "Activity" })).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(requests.filter((p) => p.startsWith("/insights/"))).toEqual([]);
  });

  it("are there for a template admin, without the deployment's daily users", async () => {
    allowed = { viewInsights: true };
    show(adminRoutes, "/activity");
    await screen.findByRole("link", { name: "Activity" });
    await screen.findByRole("heading", { name: "User activity" });
    expect(screen.queryByRole("heading", { name: "Daily active users" })).toBeNull();
    expect(requests).not.toContain("/insights/daus");
  });

  it("are there with the daily users for an auditor or owner", async () => {
    allowed = { viewInsights: true, readDeploymentConfig: true };
    show(adminRoutes, "/users");
    await screen.findByRole("link", { name: "Activity" });
    show(adminRoutes, "/activity");
    await screen.findByRole("heading", { name: "Daily active users" });
    await waitFor(() => expect(requests).toContain("/insights/daus"));
  });
});

describe("a template's Insights tab", () => {
  it("is not offered to a template user; its URL says so; the summary leaves out daily users", async () => {
    show(templateRoutes, "/templates/acme/web/insights");
    await screen.findByRole("heading", { name: "You do not have access to this page" });
    expect(screen.queryByRole("link", { name: "Insights" })).toBeNull();
    expect(screen.getByRole("link", { name: "Versions" })).toBeTruthy();
    expect(requests.filter((p) => p.startsWith("/insights/"))).toEqual([]);
  });

  it("leaves the summary's daily users out when the server refuses them", async () => {
    show(templateRoutes, "/templates/acme/web");
    await waitFor(() => expect(requests).toContain("/templates/t1/daus"));
    await screen.findByRole("heading", { name: "About" });
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Daily active users" })).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("is there for those who may view the template's insights", async () => {
    allowed = { view: true };
    show(templateRoutes, "/templates/acme/web/insights");
    await screen.findByRole("link", { name: "Insights" });
    await screen.findByRole("heading", { name: "Active users" });
    await waitFor(() => expect(requests).toContain("/insights/templates"));
  });
});
