// Creating a workspace and changing one: rename, parameters (a new build
// with changed values), schedule (autostart, TTL, deadline) and sharing.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { storeWorkspace, workspaceKeys } from "./workspaces";
import type {
  CreateWorkspaceRequest,
  Group,
  OrganizationMember,
  Workspace,
  WorkspaceACL,
  WorkspaceBuild,
  WorkspaceBuildParameter,
  UpdateWorkspaceACL,
} from "./types";

const enc = encodeURIComponent;

export const settingsKeys = {
  buildParameters: (buildId: string) => ["workspaces", "build-parameters", buildId] as const,
  acl: (id: string) => ["workspaces", "acl", id] as const,
  members: (org: string) => ["organizations", org, "members"] as const,
  groups: (org: string) => ["organizations", org, "groups"] as const,
};

export function useCreateWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ owner, req }: { owner: string; req: CreateWorkspaceRequest }) => api.post<Workspace>(`/users/${enc(owner)}/workspaces`, req),
    onSuccess: (ws) => {
      storeWorkspace(qc, ws);
      void qc.invalidateQueries({ queryKey: ["workspaces", "list"] });
    },
  });
}

/** The parameter values a build ran with. */
export function useBuildParameters(buildId: string | undefined) {
  return useQuery({
    queryKey: settingsKeys.buildParameters(buildId ?? ""),
    queryFn: ({ signal }) => api.get<WorkspaceBuildParameter[]>(`/workspacebuilds/${buildId}/parameters`, { signal }),
    enabled: !!buildId,
  });
}

/** Refetches the workspace so every view shows what the server now has. */
async function refresh(qc: ReturnType<typeof useQueryClient>, ws: Workspace) {
  const fresh = await api.get<Workspace>(`/workspaces/${ws.id}`);
  storeWorkspace(qc, fresh);
  return fresh;
}

export function useRenameWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ ws, name }: { ws: Workspace; name: string }) => {
      await api.patch(`/workspaces/${ws.id}`, { name });
      return refresh(qc, ws);
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: workspaceKeys.all }),
  });
}

/** A start build with changed parameter values (and optionally another version). */
export function useBuildWithParameters() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ ws, values, versionId }: { ws: Workspace; values: WorkspaceBuildParameter[]; versionId?: string }) =>
      api.post<WorkspaceBuild>(`/workspaces/${ws.id}/builds`, { transition: "start", rich_parameter_values: values, template_version_id: versionId }),
    onSuccess: (build, { ws }) => {
      storeWorkspace(qc, { ...ws, latest_build: build });
      void qc.invalidateQueries({ queryKey: workspaceKeys.builds(ws.id ?? "") });
    },
  });
}

export interface ScheduleChange {
  /** A cron schedule, or "" to turn autostart off; undefined leaves it. */
  autostart?: string;
  /** Milliseconds, or null for no limit; undefined leaves it. */
  ttlMs?: number | null;
}

/** Saves autostart and TTL (two endpoints; each is sent only when it changed). */
export function useUpdateSchedule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ ws, change }: { ws: Workspace; change: ScheduleChange }) => {
      if (change.autostart !== undefined) await api.put(`/workspaces/${ws.id}/autostart`, { schedule: change.autostart });
      if (change.ttlMs !== undefined) await api.put(`/workspaces/${ws.id}/ttl`, { ttl_ms: change.ttlMs });
      return refresh(qc, ws);
    },
  });
}

export function useExtendDeadline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ ws, deadline }: { ws: Workspace; deadline: Date }) => {
      await api.put(`/workspaces/${ws.id}/extend`, { deadline: deadline.toISOString() });
      return refresh(qc, ws);
    },
  });
}

export function useWorkspaceACL(workspaceId: string | undefined) {
  return useQuery({
    queryKey: settingsKeys.acl(workspaceId ?? ""),
    queryFn: ({ signal }) => api.get<WorkspaceACL>(`/workspaces/${workspaceId}/acl`, { signal }),
    enabled: !!workspaceId,
  });
}

export function useUpdateWorkspaceACL(workspaceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: UpdateWorkspaceACL) => api.patch(`/workspaces/${workspaceId}/acl`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: settingsKeys.acl(workspaceId) }),
  });
}

export function useOrganizationMembers(org: string | undefined) {
  return useQuery({
    queryKey: settingsKeys.members(org ?? ""),
    queryFn: ({ signal }) => api.get<OrganizationMember[]>(`/organizations/${enc(org ?? "")}/members`, { signal }),
    enabled: !!org,
  });
}

export function useOrganizationGroups(org: string | undefined) {
  return useQuery({
    queryKey: settingsKeys.groups(org ?? ""),
    queryFn: ({ signal }) => api.get<Group[]>(`/organizations/${enc(org ?? "")}/groups`, { signal }),
    enabled: !!org,
  });
}
