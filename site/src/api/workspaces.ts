// Workspaces: the list with the q= search, one workspace, its builds and
// their logs, the build actions, and live state from the watch streams.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { ProvisionerJobLog, Workspace, WorkspaceBuild, WorkspacesResponse, WorkspaceTransition } from "./types";

export const workspaceKeys = {
  all: ["workspaces"] as const,
  list: (q: string, offset: number, limit: number) => ["workspaces", "list", { q, offset, limit }] as const,
  byName: (owner: string, name: string) => ["workspaces", "byName", owner, name] as const,
  builds: (id: string) => ["workspaces", "builds", id] as const,
  build: (owner: string, name: string, number: number) => ["workspaces", "build", owner, name, number] as const,
};

export const WORKSPACES_PAGE_SIZE = 25;
export const DEFAULT_WORKSPACES_QUERY = "owner:me";

/** The list page's search and page, from its URL (?q=, ?page=). */
export function workspacesListParams(params: URLSearchParams) {
  const q = params.get("q") ?? DEFAULT_WORKSPACES_QUERY;
  const page = Math.max(1, Number(params.get("page")) || 1);
  return { q, page, offset: (page - 1) * WORKSPACES_PAGE_SIZE, limit: WORKSPACES_PAGE_SIZE };
}

export function workspacesQuery(q: string, offset: number, limit: number) {
  const queryKey = workspaceKeys.list(q, offset, limit);
  return queryOptions({
    queryKey,
    queryFn: async ({ signal, client }) => {
      const res = await api.get<WorkspacesResponse>("/workspaces", { query: { q, offset, limit }, signal });
      // A watch event may have landed while this was in flight.
      const cached = new Map<string, Workspace>();
      for (const w of client.getQueryData<WorkspacesResponse>(queryKey)?.workspaces ?? []) cached.set(w.id ?? "", w);
      return { ...res, workspaces: (res.workspaces ?? []).map((w) => fresher(cached.get(w.id ?? ""), w)) };
    },
    placeholderData: keepPreviousData,
  });
}

/** How far a build has got: its latest recorded moment. */
function buildProgress(ws: Workspace): [number, number] {
  const b = ws.latest_build;
  const times = [b?.updated_at, b?.job?.started_at, b?.job?.canceled_at, b?.job?.completed_at]
    .map((t) => (t ? Date.parse(t) : 0))
    .filter((t) => !Number.isNaN(t));
  return [b?.build_number ?? 0, Math.max(0, ...times)];
}

/**
 * The fresher of two views of one workspace. A fetch started before a watch
 * event can answer after it; the older view must not overwrite the newer,
 * or a badge would stay at "Canceling" after the build was canceled.
 */
export function fresher(cached: Workspace | undefined, incoming: Workspace): Workspace {
  if (!cached || cached.id !== incoming.id) return incoming;
  const [cn, ct] = buildProgress(cached);
  const [inNum, it] = buildProgress(incoming);
  if (cn !== inNum) return cn > inNum ? cached : incoming;
  return ct > it ? cached : incoming;
}

export function useWorkspaces(q: string, offset: number, limit: number) {
  return useQuery(workspacesQuery(q, offset, limit));
}

export function workspaceQuery(owner: string, name: string) {
  const queryKey = workspaceKeys.byName(owner, name);
  return queryOptions({
    queryKey,
    queryFn: async ({ signal, client }) => {
      const ws = await api.get<Workspace>(`/users/${encodeURIComponent(owner)}/workspace/${encodeURIComponent(name)}`, { signal });
      return fresher(client.getQueryData<Workspace>(queryKey), ws);
    },
  });
}

export function useWorkspace(owner: string, name: string) {
  return useQuery(workspaceQuery(owner, name));
}

export function useWorkspaceBuilds(workspaceId: string | undefined) {
  return useQuery({
    queryKey: workspaceKeys.builds(workspaceId ?? ""),
    queryFn: ({ signal }) => api.get<WorkspaceBuild[]>(`/workspaces/${workspaceId}/builds`, { query: { limit: 25 }, signal }),
    enabled: !!workspaceId,
  });
}

export function useWorkspaceBuild(owner: string, name: string, number: number | undefined) {
  return useQuery({
    queryKey: workspaceKeys.build(owner, name, number ?? 0),
    queryFn: ({ signal }) =>
      api.get<WorkspaceBuild>(
        `/users/${encodeURIComponent(owner)}/workspace/${encodeURIComponent(name)}/builds/${number}`,
        { signal },
      ),
    enabled: number !== undefined,
  });
}

export function getBuildLogs(buildId: string, signal?: AbortSignal) {
  return api.get<ProvisionerJobLog[]>(`/workspacebuilds/${buildId}/logs`, { signal });
}

/**
 * Puts a workspace the server sent (a watch event, a build response) into
 * every cached view of it: its page and any list page that shows it.
 */
export function storeWorkspace(qc: QueryClient, ws: Workspace): void {
  if (!ws.id) return;
  const key = workspaceKeys.byName(ws.owner_name ?? "", ws.name ?? "");
  const cached = qc.getQueryData<Workspace>(key);
  const before = cached?.latest_build;
  ws = fresher(cached, ws);
  qc.setQueryData<Workspace>(key, ws);
  // A new build, or one that changed state, changes the build history.
  if (before && (before.id !== ws.latest_build?.id || before.status !== ws.latest_build?.status)) {
    void qc.invalidateQueries({ queryKey: workspaceKeys.builds(ws.id ?? "") });
  }
  qc.setQueriesData<WorkspacesResponse>({ queryKey: ["workspaces", "list"] }, (old) => {
    if (!old?.workspaces?.some((w) => w.id === ws.id)) return old;
    return { ...old, workspaces: old.workspaces.map((w) => (w.id === ws.id ? fresher(w, ws) : w)) };
  });
}

export interface BuildRequest {
  transition: WorkspaceTransition;
  /** Set to update the workspace to another template version. */
  templateVersionId?: string;
}

export function postBuild(ws: Workspace, req: BuildRequest) {
  return api.post<WorkspaceBuild>(`/workspaces/${ws.id}/builds`, {
    transition: req.transition,
    template_version_id: req.templateVersionId,
  });
}

/**
 * Starts a build and puts it into the cache at once, so the page shows the
 * new status before the watch stream's next event.
 */
export function useBuildWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ ws, req }: { ws: Workspace; req: BuildRequest }) => postBuild(ws, req),
    onSuccess: (build, { ws }) => {
      storeWorkspace(qc, { ...ws, latest_build: build });
      void qc.invalidateQueries({ queryKey: workspaceKeys.builds(ws.id ?? "") });
    },
  });
}

export function useCancelBuild() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (build: WorkspaceBuild) => api.patch(`/workspacebuilds/${build.id}/cancel`),
    // The watch stream brings the workspace's new state.
    onSuccess: (_, build) => void qc.invalidateQueries({ queryKey: workspaceKeys.builds(build.workspace_id ?? "") }),
  });
}

export function useToggleFavorite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ws: Workspace) =>
      ws.favorite ? api.delete(`/workspaces/${ws.id}/favorite`) : api.put(`/workspaces/${ws.id}/favorite`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["workspaces", "list"] }),
  });
}

/** Build transitions that are still running (the job is not done). */
export function isBuilding(ws: Workspace | undefined): boolean {
  const s = ws?.latest_build?.status;
  return s === "pending" || s === "starting" || s === "stopping" || s === "deleting" || s === "canceling";
}

export type WorkspaceACL = { users?: { id: string; username: string; role?: "admin" | "use" }[]; group?: { id?: string; name?: string; display_name?: string; role?: "admin" | "use" }[] };

export function useWorkspaceACL(workspaceId: string | undefined) {
  return useQuery({
    queryKey: ["workspaces", "acl", workspaceId ?? ""],
    queryFn: ({ signal }) => api.get<WorkspaceACL>(`/workspaces/${workspaceId}/acl`, { signal }),
    enabled: !!workspaceId,
  });
}

/** Changes who the workspace is shared with; role "" removes an entry. */
export function useUpdateWorkspaceACL(workspaceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { user_roles?: Record<string, string>; group_roles?: Record<string, string> }) => api.patch(`/workspaces/${workspaceId}/acl`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["workspaces", "acl", workspaceId] }),
  });
}

/** After a settings change: refetch the workspace's views. */
export function useWorkspaceSetting<TVars>(ws: Workspace, send: (vars: TVars) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => void qc.invalidateQueries({ queryKey: workspaceKeys.byName(ws.owner_name ?? "", ws.name ?? "") }),
  });
}
