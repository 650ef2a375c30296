// Insights: daily active users of the deployment, a template's active users
// per day or week and time per way in, and time per user. Ranges are
// counted in the browser's time zone (as a whole-hour offset, which is what
// the server takes).
import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { DAUsResponse, TemplateInsightsResponse, UserActivityInsightsResponse } from "./types";

export type InsightsInterval = "day" | "week";

/** The browser's offset from UTC in whole hours, within what the server accepts. */
export function browserHourOffset(now: Date = new Date()): number {
  return Math.max(-12, Math.min(14, -Math.round(now.getTimezoneOffset() / 60)));
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * RFC 3339 for the wall-clock time of `local` (a Date whose UTC fields hold
 * the time in the zone) with the zone's offset, e.g. 2026-08-01T00:00:00+02:00.
 */
function format(local: Date, offsetHours: number): string {
  const sign = offsetHours < 0 ? "-" : "+";
  const off = `${sign}${pad(Math.abs(offsetHours))}:00`;
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:00:00${off}`
  );
}

/**
 * The range the server accepts for the last `days` days: from midnight
 * `days` days ago to the next whole hour today, in the given offset.
 */
export function insightsRange(days: number, now: Date = new Date(), offsetHours: number = browserHourOffset(now)) {
  const local = new Date(now.getTime() + offsetHours * 3_600_000);
  const end = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), local.getUTCHours() + 1));
  const start = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - days));
  return { start_time: format(start, offsetHours), end_time: format(end, offsetHours) };
}

export function useDeploymentDAUs(enabled = true) {
  const tz = browserHourOffset();
  return useQuery({
    enabled,
    queryKey: ["insights", "daus", tz],
    queryFn: ({ signal }) => api.get<DAUsResponse>("/insights/daus", { query: { tz_offset: tz }, signal }),
  });
}

export function useTemplateInsights(days: number, interval: InsightsInterval, templateIds: string[] = []) {
  return useQuery({
    queryKey: ["insights", "templates", days, interval, templateIds.join(",")],
    queryFn: ({ signal }) =>
      api.get<TemplateInsightsResponse>("/insights/templates", {
        query: { ...insightsRange(days), interval, ...(templateIds.length ? { template_ids: templateIds.join(",") } : {}) },
        signal,
      }),
  });
}

export function useUserActivity(days: number, templateIds: string[] = []) {
  return useQuery({
    queryKey: ["insights", "user-activity", days, templateIds.join(",")],
    queryFn: ({ signal }) =>
      api.get<UserActivityInsightsResponse>("/insights/user-activity", {
        query: { ...insightsRange(days), ...(templateIds.length ? { template_ids: templateIds.join(",") } : {}) },
        signal,
      }),
  });
}

/** "2h 5m", "45m", "30s": time spent, for tables. */
export function humanSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h}h ${m}m` : `${m}m`;
}
