// What the signed-in user may see, asked of the server (POST /authcheck),
// so the dashboard offers only pages the server will answer. The server
// still checks every request; these only decide what to show.
import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { components } from "./schema";
import type { RBACAction, Template } from "./types";

// The schema lists only create/read/update/delete (as Coder's does); the
// server takes any action of the resource type, view_insights among them.
type AuthorizationCheck = Omit<components["schemas"]["codersdk.AuthorizationCheck"], "action"> & { action: RBACAction };

/**
 * The checks behind the insights pages, as the server authorizes them:
 * /insights/* needs view_insights on templates in some organization
 * (template admins, auditors, owners; also per organization), and the
 * deployment's daily users (/insights/daus) also need deployment_config read.
 */
export const INSIGHTS_CHECKS = {
  viewInsights: { object: { resource_type: "template", any_org: true }, action: "view_insights" },
  readDeploymentConfig: { object: { resource_type: "deployment_config" }, action: "read" },
} satisfies Record<string, AuthorizationCheck>;

export type InsightsPermissions = Record<keyof typeof INSIGHTS_CHECKS, boolean>;

/** Whether the deployment's Activity page (users per template, time per user) is for this user. */
export function canSeeActivity(p: InsightsPermissions | undefined): boolean {
  return !!p?.viewInsights;
}

/** Whether the Activity page's daily-active-users chart (/insights/daus) is for this user. */
export function canSeeDeploymentDAUs(p: InsightsPermissions | undefined): boolean {
  return !!p?.viewInsights && !!p.readDeploymentConfig;
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

export function useInsightsPermissions() {
  return useQuery({
    queryKey: ["authcheck", "insights"],
    queryFn: ({ signal }) => authcheck(INSIGHTS_CHECKS, signal),
    staleTime: 60_000,
  });
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
