// The deployment: its configuration (admins), the health check, and whether
// the Swagger page is served.
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "./client";
import type { DeploymentConfig, HealthcheckReport } from "./types";

export function deploymentConfigQuery() {
  return queryOptions({
    queryKey: ["deployment", "config"],
    queryFn: ({ signal }) => api.get<DeploymentConfig>("/deployment/config", { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useDeploymentConfig() {
  return useQuery(deploymentConfigQuery());
}

export interface Healthz {
  ok: boolean;
  status: number;
  /** The server's text: "OK", or why it is unhealthy. */
  text: string;
  retryAfter?: number;
  checkedAt: number;
}

/**
 * GET /healthz: plain text, 200 "OK" or 503 with the reason. An unhealthy
 * answer is data to show, not an error; only an unreachable server is.
 */
export async function fetchHealthz(signal?: AbortSignal): Promise<Healthz> {
  let res: Response;
  try {
    res = await fetch("/healthz", { signal, cache: "no-store" });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError({ status: 0, message: "Cannot reach the server.", detail: err instanceof Error ? err.message : String(err) });
  }
  const retry = Number(res.headers.get("Retry-After"));
  return {
    ok: res.ok,
    status: res.status,
    text: (await res.text()).trim(),
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
    checkedAt: Date.now(),
  };
}

export function useHealthz() {
  return useQuery({ queryKey: ["healthz"], queryFn: ({ signal }) => fetchHealthz(signal), retry: false });
}

/**
 * GET /debug/health: the server's report (access URL, websocket, database,
 * provisioner daemons, live replicas, warnings), which the server keeps for
 * a few seconds. Owners only: others get a 404 (or 403), which the page
 * shows as such rather than retrying.
 */
export function healthReportQuery() {
  return queryOptions({
    queryKey: ["debug", "health"],
    queryFn: ({ signal }) => api.get<HealthcheckReport>("/debug/health", { signal }),
    retry: false,
  });
}

export function useHealthReport() {
  return useQuery(healthReportQuery());
}

/**
 * A function that has the server make a new report now (?force=true)
 * instead of serving the one it keeps, for "Check again".
 */
export function useRecheckHealthReport() {
  const client = useQueryClient();
  return () =>
    client.fetchQuery({
      ...healthReportQuery(),
      queryFn: ({ signal }) => api.get<HealthcheckReport>("/debug/health", { signal, query: { force: true } }),
      staleTime: 0,
    });
}

/**
 * Whether /swagger is served (--swagger-enable): the server answers its
 * page only then, and a JSON 404 otherwise, for anyone, so no admin
 * permission is needed to know.
 */
export function useSwaggerEnabled() {
  return useQuery({
    queryKey: ["swagger-enabled"],
    queryFn: async ({ signal }) => {
      const res = await fetch("/swagger/", { method: "HEAD", signal, redirect: "manual" });
      return res.ok;
    },
    staleTime: Infinity,
    retry: false,
  });
}
