// Groups: the list, one group with its members, create, change, delete.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { CreateGroupRequest, Group, PatchGroupRequest } from "./types";

export const groupKeys = {
  all: ["groups"] as const,
  list: (organization: string) => ["groups", "list", organization] as const,
  one: (id: string) => ["groups", "one", id] as const,
};

/** Groups the signed-in user may see, optionally of one organization. */
export function groupsQuery(organization = "") {
  return queryOptions({
    queryKey: groupKeys.list(organization),
    queryFn: ({ signal }) => api.get<Group[]>("/groups", { query: { organization }, signal }),
  });
}

export function useGroups(organization = "") {
  return useQuery(groupsQuery(organization));
}

export function useGroup(id: string) {
  return useQuery({
    queryKey: groupKeys.one(id),
    queryFn: ({ signal }) => api.get<Group>(`/groups/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useCreateGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ organization, req }: { organization: string; req: CreateGroupRequest }) =>
      api.post<Group>(`/organizations/${encodeURIComponent(organization)}/groups`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: groupKeys.all }),
  });
}

/** Renames, sets the quota, adds and removes members (user IDs). */
export function usePatchGroup(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: PatchGroupRequest) => api.patch<Group>(`/groups/${encodeURIComponent(id)}`, req),
    onSuccess: (group) => {
      qc.setQueryData(groupKeys.one(id), group);
      void qc.invalidateQueries({ queryKey: ["groups", "list"] });
    },
  });
}

export function useDeleteGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (group: Group) => api.delete(`/groups/${encodeURIComponent(group.id ?? "")}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["groups", "list"] }),
  });
}
