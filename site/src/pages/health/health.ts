// How the server's health report (GET /debug/health) becomes what the
// Health page shows: a verdict per check in words, the replicas table and
// the warnings with the section they came from.
import { isApiError } from "../../api/client";
import type { Tone } from "../../components";
import type { HealthcheckReport, HealthMessage, HealthSeverity, Replica } from "../../api/types";

export interface Verdict {
  tone: Tone;
  /** In words, so the verdict does not rest on colour alone. */
  label: string;
}

export function verdict(severity: HealthSeverity | undefined): Verdict {
  switch (severity) {
    case "ok":
      return { tone: "success", label: "Healthy" };
    case "warning":
      return { tone: "warning", label: "Warning" };
    case "error":
      return { tone: "danger", label: "Error" };
    default:
      return { tone: "neutral", label: "Unknown" };
  }
}

export interface Check {
  name: string;
  verdict: Verdict;
  /** One sentence on what was found. */
  summary: string;
}

/**
 * A verdict per check, in Coder's order. Sections the report does not
 * have (an older server) are left out rather than shown as unknown.
 */
export function checks(report: HealthcheckReport): Check[] {
  const out: Check[] = [];
  const access = report.access_url;
  if (access) {
    out.push({
      name: "Access URL",
      verdict: verdict(access.severity),
      summary: access.error
        ? access.error
        : `GET ${access.access_url ?? ""}/healthz answered ${access.status_code ?? "nothing"}` +
          (access.healthy ? "." : `: ${access.healthz_response || "no body"}.`),
    });
  }
  const ws = report.websocket;
  if (ws) {
    out.push({
      name: "Websocket",
      verdict: verdict(ws.severity),
      summary: ws.error
        ? ws.error + (ws.code ? ` (HTTP ${ws.code}${ws.body ? `: ${ws.body.trim()}` : ""})` : "")
        : "A websocket through the access URL echoed a message.",
    });
  }
  const db = report.database ?? {};
  out.push({
    name: "Database",
    verdict: verdict(db.severity),
    summary: db.reachable
      ? `Reachable, ${db.latency || `${db.latency_ms ?? 0}ms`} round trip` +
        (db.threshold_ms ? ` (warns above ${db.threshold_ms}ms).` : ".")
      : `Not reachable${db.error ? `: ${db.error}` : "."}`,
  });
  const daemons = report.provisioner_daemons;
  if (daemons) {
    const n = daemons.items?.length ?? 0;
    out.push({
      name: "Provisioner daemons",
      verdict: verdict(daemons.severity),
      summary: daemons.error ? daemons.error : `${n} ${n === 1 ? "daemon" : "daemons"} seen recently.`,
    });
  }
  const reps = report.replicas ?? {};
  const count = reps.count ?? reps.replicas?.length ?? 0;
  out.push({
    name: "Replicas",
    verdict: verdict(reps.severity),
    summary: reps.error
      ? reps.error
      : `${count} live ${count === 1 ? "replica" : "replicas"}` +
        (reps.version_skew ? `, running ${Object.keys(reps.versions ?? {}).length} different versions.` : "."),
  });
  return out;
}

/** The provisioner daemons the report lists, with what is wrong with each. */
export function daemonRows(report: HealthcheckReport) {
  return (report.provisioner_daemons?.items ?? []).map((item) => ({
    ...(item.provisioner_daemon ?? {}),
    warnings: item.warnings ?? [],
  }));
}

export interface Warning extends HealthMessage {
  section: string;
}

/** Every section's warnings, each with the section it came from. */
export function warnings(report: HealthcheckReport): Warning[] {
  return [
    ...(report.access_url?.warnings ?? []).map((w) => ({ ...w, section: "Access URL" })),
    ...(report.websocket?.warnings ?? []).map((w) => ({ ...w, section: "Websocket" })),
    ...(report.database?.warnings ?? []).map((w) => ({ ...w, section: "Database" })),
    ...(report.provisioner_daemons?.warnings ?? []).map((w) => ({ ...w, section: "Provisioner daemons" })),
    ...(report.replicas?.warnings ?? []).map((w) => ({ ...w, section: "Replicas" })),
  ];
}

export interface ReplicaRow extends Replica {
  /** The version it runs, when the report tells it (all run one version). */
  version?: string;
}

/**
 * The live replicas, with their version. The report counts replicas per
 * version but does not say which runs which, so a version is known only
 * when all run the same one.
 */
export function replicaRows(report: HealthcheckReport): ReplicaRow[] {
  const versions = Object.keys(report.replicas?.versions ?? {});
  const version = versions.length === 1 ? versions[0] : undefined;
  return (report.replicas?.replicas ?? []).map((r) => ({ ...r, version }));
}

/** A replica's database round trip, given in microseconds. */
export function formatLatency(micros: number | undefined): string {
  if (micros === undefined || micros < 0) return "";
  if (micros < 1000) return `${micros} µs`;
  return `${(micros / 1000).toFixed(micros < 10_000 ? 1 : 0)} ms`;
}

/** The report is owners only: the server hides it from others (404) or refuses (403). */
export function isOwnersOnly(err: unknown): boolean {
  return isApiError(err) && (err.status === 403 || err.status === 404);
}
