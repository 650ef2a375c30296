// What the signed-in user may see, asked of the server (POST /authcheck),
// so the dashboard offers only pages the server will answer. The server
// still checks every request; these only decide what to show.
//
// This is the one place that asks: the site-wide questions go in one
// request per signed-in user (SITE_CHECKS), cached with the user's own
// query; only a template's insights are asked per template.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { authKeys, useMe } from "./auth";
import type { components } from "./schema";
import type { Template } from "./types";

type AuthorizationCheck = components["schemas"]["codersdk.AuthorizationCheck"];

/**
 * The site-wide checks, as the server authorizes the pages behind them. An
 * object without an organization asks about the whole deployment (site
 * roles); `any_org` asks whether some organization grants it (organization
 * roles too). Members read their own organizations and groups, so those
 * pages need a site-wide read or the right to manage some organization.
 */
export const SITE_CHECKS = {
  readAllUsers: { object: { resource_type: "user" }, action: "read" },
  readAllGroups: { object: { resource_type: "group" }, action: "read" },
  editAnyGroup: { object: { resource_type: "group", any_org: true }, action: "update" },
  readAllOrganizations: { object: { resource_type: "organization" }, action: "read" },
  editAnyOrganization: { object: { resource_type: "organization", any_org: true }, action: "update" },
  editAnyOrgMembers: { object: { resource_type: "organization_member", any_org: true }, action: "update" },
  readAnyAuditLog: { object: { resource_type: "audit_log", any_org: true }, action: "read" },
  // /insights/* needs view_insights on templates in some organization
  // (template admins, auditors, owners; also per organization).
  viewInsights: { object: { resource_type: "template", any_org: true }, action: "view_insights" },
  // GET /deployment/config; the deployment's daily users (/insights/daus) need it too.
  readDeploymentConfig: { object: { resource_type: "deployment_config" }, action: "read" },
  // GET /debug/health.
  readDebugInfo: { object: { resource_type: "debug_info" }, action: "read" },
} satisfies Record<string, AuthorizationCheck>;

export type Permissions = Record<keyof typeof SITE_CHECKS, boolean>;

/** What the insights pages use of the permissions. */
export type InsightsPermissions = Pick<Permissions, "viewInsights" | "readDeploymentConfig">;

/** Whether the deployment's Activity page (users per template, time per user) is for this user. */
export function canSeeActivity(p: InsightsPermissions | undefined): boolean {
  return !!p?.viewInsights;
}

/** Whether the Activity page's daily-active-users chart (/insights/daus) is for this user. */
export function canSeeDeploymentDAUs(p: InsightsPermissions | undefined): boolean {
  return !!p?.viewInsights && !!p.readDeploymentConfig;
}

/**
 * The administration pages, in the side nav's order, each with the rule
 * that decides who sees its entry and may open its URLs (`to` and below).
 * `openToAll` pages keep their URL for everyone: Health shows anyone the
 * public /healthz and says its report is for owners.
 */
export const ADMIN_PAGES: { to: string; label: string; allowed: (p: Permissions) => boolean; openToAll?: true }[] = [
  { to: "/users", label: "Users", allowed: (p) => p.readAllUsers },
  { to: "/groups", label: "Groups", allowed: (p) => p.readAllGroups || p.editAnyGroup },
  { to: "/organizations", label: "Organizations", allowed: (p) => p.readAllOrganizations || p.editAnyOrganization || p.editAnyOrgMembers },
  { to: "/audit", label: "Audit log", allowed: (p) => p.readAnyAuditLog },
  { to: "/activity", label: "Activity", allowed: canSeeActivity },
  { to: "/deployment", label: "Deployment", allowed: (p) => p.readDeploymentConfig },
  { to: "/health", label: "Health", allowed: (p) => p.readDebugInfo, openToAll: true },
];

/** The administration entries this user may use (none while unknown). */
export function adminEntries(p: Permissions | undefined) {
  return p ? ADMIN_PAGES.filter((e) => e.allowed(p)) : [];
}

/** The administration page a path belongs to, if any. */
export function adminPageFor(pathname: string) {
  return ADMIN_PAGES.find((e) => pathname === e.to || pathname.startsWith(e.to + "/"));
}

/** Whether this user may open a path (any path outside administration). */
export function mayOpen(pathname: string, p: Permissions): boolean {
  const page = adminPageFor(pathname);
  return !page || !!page.openToAll || page.allowed(p);
}

/**
 * The top bar's administration links: Users, Audit and Deployment when
 * allowed, and otherwise one "Administration" link to the first entry the
 * user may use (an organization admin, say), so no admin page is unreachable.
 */
export function topNavAdminLinks(p: Permissions | undefined): { to: string; label: string }[] {
  const entries = adminEntries(p);
  const top = entries.filter((e) => e.to === "/users" || e.to === "/audit" || e.to === "/deployment").map(({ to, label }) => ({ to, label: label === "Audit log" ? "Audit" : label }));
  if (top.length === 0 && entries.length > 0) return [{ to: entries[0]!.to, label: "Administration" }];
  return top;
}

/** The check for one template's insights: the template as the server sees it (its id and organization). */
export function templateInsightsCheck(t: Pick<Template, "id" | "organization_id">): AuthorizationCheck {
  return { object: { resource_type: "template", resource_id: t.id, organization_id: t.organization_id }, action: "view_insights" };
}

async function authcheck<K extends string>(checks: Record<K, AuthorizationCheck>, signal: AbortSignal): Promise<Record<K, boolean>> {
  const res = await api.post<Record<string, boolean>>("/authcheck", { checks }, { signal });
  const out = {} as Record<K, boolean>;
  for (const k of Object.keys(checks) as K[]) out[k] = res[k] === true;
  return out;
}

/**
 * The key of a user's permissions: under the user's own query, so signing
 * in again or changing one's roles (both invalidate it) asks again, and
 * signing out forgets them.
 */
export const permissionsKey = (userId: string) => [...authKeys.me, "permissions", userId] as const;

export const permissionsQuery = (userId: string) =>
  queryOptions({
    queryKey: permissionsKey(userId),
    queryFn: ({ signal }) => authcheck(SITE_CHECKS, signal),
    // Asked once per user and session; invalidating the user asks again.
    staleTime: Infinity,
  });

/** The signed-in user's site-wide permissions (one POST /authcheck, cached). */
export function usePermissions() {
  const userId = useMe().data?.id ?? "";
  return useQuery({ ...permissionsQuery(userId), enabled: !!userId });
}

/** Whether the signed-in user may view this template's insights (the Insights tab). */
export function useCanViewTemplateInsights(t: Pick<Template, "id" | "organization_id"> | undefined) {
  return useQuery({
    queryKey: ["authcheck", "template-insights", t?.id],
    queryFn: async ({ signal }) => (await authcheck({ view: templateInsightsCheck(t!) }, signal)).view,
    enabled: !!t?.id,
    staleTime: 60_000,
  });
}
