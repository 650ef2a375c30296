// Templates: the list, one template with its versions, usage and ACL,
// examples, uploads, creating templates and versions, and the import log
// of a version streaming live while it imports.
import { useEffect, useRef, useState } from "react";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { API_BASE, CSRF_COOKIE, CSRF_HEADER, api, errorFromResponse, readCookie, websocketURL, ApiError } from "./client";
import { openWithRetry } from "./live";
import type { components } from "./schema";
import type {
  ACLAvailable,
  ArchiveTemplateVersionsResponse,
  CreateTemplateRequest,
  CreateTemplateVersionRequest,
  DAUsResponse,
  Preset,
  ProvisionerJobLog,
  Template,
  TemplateACL,
  TemplateExample,
  TemplateVersion,
  TemplateVersionParameter,
  TemplateVersionVariable,
  UpdateTemplateACL,
  UpdateTemplateMeta,
  UploadResponse,
} from "./types";

const enc = encodeURIComponent;

// A local name: the admin pages' branch adds the same alias to types.ts.
type Organization = components["schemas"]["codersdk.Organization"];

/**
 * Whether the signed-in user may create templates in some organization
 * (POST /authcheck). Only decides whether to offer the action; the server
 * checks every request anyway.
 */
export function useCanCreateTemplates() {
  return useQuery({
    queryKey: ["authcheck", "create-template"],
    queryFn: async ({ signal }) => {
      const res = await api.post<Record<string, boolean>>(
        "/authcheck",
        { checks: { create: { object: { resource_type: "template", any_org: true }, action: "create" } } },
        { signal },
      );
      return !!res.create;
    },
    staleTime: 60_000,
  });
}

/** The organizations the signed-in user is a member of. */
export function useMyOrganizations() {
  return useQuery({
    queryKey: ["organizations", "mine"],
    queryFn: ({ signal }) => api.get<Organization[]>("/users/me/organizations", { signal }),
    staleTime: 60_000,
  });
}

export const templateKeys = {
  all: ["templates"] as const,
  list: ["templates", "list"] as const,
  byName: (org: string, name: string) => ["templates", "byName", org, name] as const,
  versions: (id: string, archived: boolean) => ["templates", "versions", id, { archived }] as const,
  version: (id: string) => ["templates", "version", id] as const,
  examples: ["templates", "examples"] as const,
  daus: (id: string) => ["templates", "daus", id] as const,
  acl: (id: string) => ["templates", "acl", id] as const,
  aclAvailable: (id: string) => ["templates", "acl-available", id] as const,
  parameters: (versionId: string) => ["templates", "parameters", versionId] as const,
  presets: (versionId: string) => ["templates", "presets", versionId] as const,
};

export function templatesQuery() {
  return queryOptions({
    queryKey: templateKeys.list,
    queryFn: ({ signal }) => api.get<Template[]>("/templates", { signal }),
  });
}

export function useTemplates() {
  return useQuery(templatesQuery());
}

export function templateQuery(org: string, name: string) {
  return queryOptions({
    queryKey: templateKeys.byName(org, name),
    queryFn: ({ signal }) => api.get<Template>(`/organizations/${enc(org)}/templates/${enc(name)}`, { signal }),
    enabled: !!org && !!name,
  });
}

export function useTemplate(org: string, name: string) {
  return useQuery(templateQuery(org, name));
}

export function useTemplateVersions(templateId: string | undefined, includeArchived = false) {
  return useQuery({
    queryKey: templateKeys.versions(templateId ?? "", includeArchived),
    queryFn: ({ signal }) =>
      api.get<TemplateVersion[]>(`/templates/${templateId}/versions`, { query: { include_archived: includeArchived || undefined }, signal }),
    enabled: !!templateId,
  });
}

export function useTemplateVersion(versionId: string | undefined) {
  return useQuery({
    queryKey: templateKeys.version(versionId ?? ""),
    queryFn: ({ signal }) => api.get<TemplateVersion>(`/templateversions/${versionId}`, { signal }),
    enabled: !!versionId,
  });
}

export function useTemplateExamples() {
  return useQuery({
    queryKey: templateKeys.examples,
    queryFn: ({ signal }) => api.get<TemplateExample[]>("/templates/examples", { signal }),
    staleTime: Infinity,
  });
}

/** Daily active users over the last 60 days, counted in the browser's time zone. */
export function useTemplateDAUs(templateId: string | undefined) {
  const tz = -Math.round(new Date().getTimezoneOffset() / 60);
  return useQuery({
    queryKey: templateKeys.daus(templateId ?? ""),
    queryFn: ({ signal }) => api.get<DAUsResponse>(`/templates/${templateId}/daus`, { query: { tz_offset: Math.max(-12, Math.min(14, tz)) }, signal }),
    enabled: !!templateId,
  });
}

export function useTemplateACL(templateId: string | undefined) {
  return useQuery({
    queryKey: templateKeys.acl(templateId ?? ""),
    queryFn: ({ signal }) => api.get<TemplateACL>(`/templates/${templateId}/acl`, { signal }),
    enabled: !!templateId,
  });
}

export function useTemplateACLAvailable(templateId: string | undefined) {
  return useQuery({
    queryKey: templateKeys.aclAvailable(templateId ?? ""),
    queryFn: ({ signal }) => api.get<ACLAvailable>(`/templates/${templateId}/acl/available`, { signal }),
    enabled: !!templateId,
  });
}

export function useRichParameters(versionId: string | undefined) {
  return useQuery({
    queryKey: templateKeys.parameters(versionId ?? ""),
    queryFn: ({ signal }) => api.get<TemplateVersionParameter[]>(`/templateversions/${versionId}/rich-parameters`, { signal }),
    enabled: !!versionId,
    staleTime: Infinity, // a version's parameters never change
  });
}

/** A version's template variables (sensitive values come back masked). */
export function fetchVersionVariables(versionId: string, signal?: AbortSignal) {
  return api.get<TemplateVersionVariable[]>(`/templateversions/${versionId}/variables`, { signal });
}

export function useVersionVariables(versionId: string | undefined) {
  return useQuery({
    queryKey: ["templates", "variables", versionId ?? ""],
    queryFn: ({ signal }) => fetchVersionVariables(versionId ?? "", signal),
    enabled: !!versionId,
    staleTime: Infinity, // a version's variables never change
  });
}

/** The job error code of an import that needs values for required variables. */
export const REQUIRED_TEMPLATE_VARIABLES = "REQUIRED_TEMPLATE_VARIABLES";

export function usePresets(versionId: string | undefined) {
  return useQuery({
    queryKey: templateKeys.presets(versionId ?? ""),
    queryFn: ({ signal }) => api.get<Preset[]>(`/templateversions/${versionId}/presets`, { signal }),
    enabled: !!versionId,
    staleTime: Infinity,
  });
}

/** Uploads a template archive (tar or zip) as it is: POST /files takes raw bytes. */
export async function uploadFile(file: Blob, contentType: string): Promise<UploadResponse> {
  const headers: Record<string, string> = { Accept: "application/json", "Content-Type": contentType };
  const csrf = readCookie(CSRF_COOKIE);
  if (csrf) headers[CSRF_HEADER] = csrf;
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/files`, { method: "POST", headers, body: file, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError({ status: 0, message: "Cannot reach the server.", detail: err instanceof Error ? err.message : String(err) });
  }
  if (!res.ok) throw await errorFromResponse(res);
  return (await res.json()) as UploadResponse;
}

/** The archive's media type from its name (tar unless it is a .zip). */
export function archiveContentType(file: File): string {
  return file.name.toLowerCase().endsWith(".zip") ? "application/zip" : "application/x-tar";
}

/**
 * Guesses the provisioner of a tar archive from the names it holds: an
 * echo.yaml at its root means the echo provisioner, else Terraform.
 */
export async function guessProvisioner(file: File): Promise<"echo" | "terraform"> {
  if (archiveContentType(file) !== "application/x-tar") return "terraform";
  const names = tarNames(new Uint8Array(await file.arrayBuffer()));
  return names.some((n) => n.replace(/^\.\//, "") === "echo.yaml") ? "echo" : "terraform";
}

/** The file names of a ustar archive (enough to recognise a template). */
export function tarNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  const text = new TextDecoder();
  for (let off = 0; off + 512 <= bytes.length; ) {
    const header = bytes.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) => text.decode(header.subarray(from, from + len)).replace(/\0.*$/s, "");
    const prefix = field(345, 155);
    const name = field(0, 100);
    const size = parseInt(field(124, 12).trim() || "0", 8) || 0;
    names.push(prefix ? `${prefix}/${name}` : name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

/** A version from an upload or an example; its import starts at once. */
export function useCreateVersion() {
  return useMutation({
    mutationFn: ({ org, req }: { org: string; req: CreateTemplateVersionRequest }) =>
      api.post<TemplateVersion>(`/organizations/${enc(org)}/templateversions`, req),
  });
}

export function useCreateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ org, req }: { org: string; req: CreateTemplateRequest }) => api.post<Template>(`/organizations/${enc(org)}/templates`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export function usePromoteVersion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ templateId, versionId }: { templateId: string; versionId: string }) => api.patch(`/templates/${templateId}/versions`, { id: versionId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export function useArchiveVersion() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ versionId, archive }: { versionId: string; archive: boolean }) =>
      api.post(`/templateversions/${versionId}/${archive ? "archive" : "unarchive"}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

/** Archives every failed or canceled version (all: every unused one). */
export function useArchiveUnusedVersions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ templateId, all }: { templateId: string; all: boolean }) =>
      api.post<ArchiveTemplateVersionsResponse>(`/templates/${templateId}/versions/archive`, { all }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

/** PATCH /templates/{id}: the server answers 304 (no body) when nothing changed. */
export function useUpdateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, req }: { id: string; req: UpdateTemplateMeta }) => api.patch<Template | undefined>(`/templates/${id}`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export function useUpdateTemplateACL(templateId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: UpdateTemplateACL) => api.patch(`/templates/${templateId}/acl`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.acl(templateId) }),
  });
}

export function useDeleteTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/templates/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}

export function isJobActive(status: string | undefined): boolean {
  return status === "pending" || status === "running" || status === "canceling";
}

export interface JobLogs {
  logs: ProvisionerJobLog[];
  /** True while the stream is open (the import is still running). */
  streaming: boolean;
  error?: unknown;
}

/**
 * A version's import log. While the import runs it streams from
 * /templateversions/{id}/logs?follow (the backlog, then each new line,
 * closed by the server when the job ends; onDone is called then); a
 * finished import's log comes in one request.
 */
export function useImportLogs(versionId: string | undefined, running: boolean, onDone?: () => void): JobLogs {
  const [state, setState] = useState<JobLogs & { id?: string }>({ logs: [], streaming: false });
  const runningRef = useRef(running);
  runningRef.current = running;
  const doneRef = useRef(onDone);
  doneRef.current = onDone;
  useEffect(() => {
    if (!versionId) return;
    const streaming = runningRef.current;
    let lastId = 0;
    setState({ id: versionId, logs: [], streaming });
    const append = (more: ProvisionerJobLog[]) => {
      const fresh = more.filter((l) => (l.id ?? 0) > lastId);
      if (!fresh.length) return;
      lastId = fresh[fresh.length - 1]!.id ?? lastId;
      setState((s) => (s.id === versionId ? { ...s, logs: [...s.logs, ...fresh] } : s));
    };
    if (streaming) {
      return openWithRetry(
        websocketURL(`/templateversions/${versionId}/logs`, { follow: true }),
        (raw) => append([JSON.parse(raw) as ProvisionerJobLog]),
        () => {
          setState((s) => (s.id === versionId ? { ...s, streaming: false } : s));
          doneRef.current?.();
        },
      );
    }
    const ctl = new AbortController();
    api.get<ProvisionerJobLog[]>(`/templateversions/${versionId}/logs`, { signal: ctl.signal }).then(append, (error: unknown) => {
      if (!ctl.signal.aborted) setState((s) => (s.id === versionId ? { ...s, error } : s));
    });
    return () => ctl.abort();
  }, [versionId]);
  return state.id === versionId ? state : { logs: [], streaming: running };
}
