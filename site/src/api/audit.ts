// The audit log: its q= language (built from the filter form and read back
// from the URL), the page query, and each entry's diff as rows.
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { AuditAction, AuditDiff, AuditLogResponse, ResourceType } from "./types";

// The values GET /audit accepts (coderd/searchquery/audit.go); typed by the
// generated enums, so a value the server does not know fails the build.
export const AUDIT_ACTIONS: AuditAction[] = [
  "create", "write", "delete", "start", "stop", "login", "logout", "register",
  "connect", "disconnect", "open", "close",
];
export const AUDIT_RESOURCE_TYPES: ResourceType[] = [
  "template", "template_version", "user", "workspace", "workspace_build", "git_ssh_key",
  "api_key", "group", "organization", "custom_role", "organization_member", "file",
  "workspace_agent", "workspace_app",
];

/** The filter form's fields, each a key of the q= language. */
export interface AuditFilter {
  username: string;
  action: string;
  resource_type: string;
  /** Dates (YYYY-MM-DD): the server takes date_from's first and date_to's last instant. */
  date_from: string;
  date_to: string;
}

export const FILTER_KEYS: (keyof AuditFilter)[] = ["username", "action", "resource_type", "date_from", "date_to"];
export const EMPTY_FILTER: AuditFilter = { username: "", action: "", resource_type: "", date_from: "", date_to: "" };

/** Quotes a value when the query language needs it (space, colon or quote). */
function quote(v: string): string {
  return /[\s:"\\]/.test(v) ? `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"` : v;
}

/** The q= for a filter: "username:alice action:create" (empty fields left out). */
export function buildAuditQuery(f: AuditFilter): string {
  return FILTER_KEYS.filter((k) => f[k].trim() !== "")
    .map((k) => `${k}:${quote(f[k].trim())}`)
    .join(" ");
}

/**
 * Reads a q= back into the form's fields; terms the form has no field for
 * (request_id:, organization:, ...) are returned as `rest`, so a linked
 * query keeps them.
 */
export function parseAuditQuery(q: string): { filter: AuditFilter; rest: string } {
  const filter = { ...EMPTY_FILTER };
  const rest: string[] = [];
  // A term: key:value, where the value may be "quoted with \" escapes".
  const term = /(\S+?):("(?:[^"\\]|\\.)*"|\S*)|(\S+)/g;
  for (const m of q.matchAll(term)) {
    const [whole, key, raw] = m;
    const k = key?.toLowerCase() as keyof AuditFilter | undefined;
    if (k && FILTER_KEYS.includes(k) && raw !== undefined) {
      filter[k] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
    } else {
      rest.push(whole);
    }
  }
  return { filter, rest: rest.join(" ") };
}

export const AUDIT_PAGE_SIZE = 25;

/** The audit page's list parameters, from its URL (?q=, ?page=). */
export function auditListParams(params: URLSearchParams) {
  const q = params.get("q") ?? "";
  const page = Math.max(1, Math.floor(Number(params.get("page"))) || 1);
  return { q, page, offset: (page - 1) * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE };
}

export function auditQuery(q: string, offset: number, limit: number) {
  return queryOptions({
    queryKey: ["audit", { q, offset, limit }],
    queryFn: ({ signal }) => api.get<AuditLogResponse>("/audit", { query: { q, offset, limit }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useAuditLogs(q: string, offset: number, limit: number) {
  return useQuery(auditQuery(q, offset, limit));
}

export interface DiffRow {
  field: string;
  old: string;
  new: string;
  secret: boolean;
}

/** One line per changed field, sorted by name; values as text. */
export function auditDiffRows(diff: AuditDiff | undefined): DiffRow[] {
  return Object.entries(diff ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([field, d]) => ({ field, old: diffValue(d.old), new: diffValue(d.new), secret: !!d.secret }));
}

/** How a value shows in a diff: "" for none, strings as they are, the rest as JSON. */
export function diffValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}
