// Creating a workspace, and a new build of one with changed parameter
// values. (Rename, schedule and sharing are in workspaces.ts.)
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { storeWorkspace, workspaceKeys } from "./workspaces";
import type { CreateWorkspaceRequest, Workspace, WorkspaceBuild, WorkspaceBuildParameter } from "./types";
import type { components } from "./schema";

type MinimalUser = components["schemas"]["codersdk.MinimalUser"];

const enc = encodeURIComponent;

export const settingsKeys = {
  buildParameters: (buildId: string) => ["workspaces", "build-parameters", buildId] as const,
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

/**
 * Who the signed-in user may create workspaces for in an organization:
 * every member for an owner or admin, else only themselves.
 */
export function useAvailableOwners(org: string | undefined) {
  return useQuery({
    queryKey: ["organizations", org ?? "", "available-owners"],
    queryFn: ({ signal }) => api.get<MinimalUser[]>(`/organizations/${enc(org ?? "")}/members/me/workspaces/available-users`, { query: { limit: 100 }, signal }),
    enabled: !!org,
    staleTime: 60_000,
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
