// Organizations: the list, create, members and their roles, and the
// organization's custom roles.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type {
  AssignableRole,
  CreateOrganizationRequest,
  CustomRoleRequest,
  Organization,
  OrganizationMember,
  PaginatedMembersResponse,
  Role,
} from "./types";

export const orgKeys = {
  all: ["organizations"] as const,
  list: ["organizations", "list"] as const,
  one: (org: string) => ["organizations", "one", org] as const,
  members: (org: string, offset: number, limit: number) => ["organizations", "members", org, { offset, limit }] as const,
  roles: (org: string) => ["organizations", "roles", org] as const,
};

const orgPath = (org: string) => `/organizations/${encodeURIComponent(org)}`;

export function organizationsQuery() {
  return queryOptions({
    queryKey: orgKeys.list,
    queryFn: ({ signal }) => api.get<Organization[]>("/organizations", { signal }),
  });
}

export function useOrganizations() {
  return useQuery(organizationsQuery());
}

/** One organization by name or ID. */
export function useOrganization(org: string) {
  return useQuery({
    queryKey: orgKeys.one(org),
    queryFn: ({ signal }) => api.get<Organization>(orgPath(org), { signal }),
  });
}

export function useCreateOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: CreateOrganizationRequest) => api.post<Organization>("/organizations", req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: orgKeys.all }),
  });
}

export function useDeleteOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (org: Organization) => api.delete(orgPath(org.id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: orgKeys.all }),
  });
}

export function useMembers(org: string, offset: number, limit: number) {
  return useQuery({
    queryKey: orgKeys.members(org, offset, limit),
    queryFn: ({ signal }) => api.get<PaginatedMembersResponse>(`${orgPath(org)}/paginated-members`, { query: { offset, limit }, signal }),
    placeholderData: keepPreviousData,
  });
}

function useMemberMutation<V, R>(org: string, fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["organizations", "members", org] });
      void qc.invalidateQueries({ queryKey: ["users"] });
      void qc.invalidateQueries({ queryKey: ["groups"] });
    },
  });
}

/** Adds a user (username, email or ID) to the organization. */
export function useAddMember(org: string) {
  return useMemberMutation(org, (user: string) => api.post(`${orgPath(org)}/members/${encodeURIComponent(user)}`));
}

export function useRemoveMember(org: string) {
  return useMemberMutation(org, (m: OrganizationMember) => api.delete(`${orgPath(org)}/members/${encodeURIComponent(m.user_id ?? "")}`));
}

export function useSetMemberRoles(org: string) {
  return useMemberMutation(org, ({ member, roles }: { member: OrganizationMember; roles: string[] }) =>
    api.put(`${orgPath(org)}/members/${encodeURIComponent(member.user_id ?? "")}/roles`, { roles }),
  );
}

/** Built-in and custom roles of the organization, with whether each is assignable. */
export function useOrgRoles(org: string) {
  return useQuery({
    queryKey: orgKeys.roles(org),
    queryFn: ({ signal }) => api.get<AssignableRole[]>(`${orgPath(org)}/members/roles`, { signal }),
  });
}

/** Creates (POST) or replaces (PUT) a custom role. */
export function useSaveOrgRole(org: string, isNew: boolean) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: CustomRoleRequest) =>
      isNew ? api.post<Role>(`${orgPath(org)}/members/roles`, req) : api.put<Role>(`${orgPath(org)}/members/roles`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: orgKeys.roles(org) }),
  });
}

export function useDeleteOrgRole(org: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.delete(`${orgPath(org)}/members/roles/${encodeURIComponent(name)}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: orgKeys.roles(org) });
      void qc.invalidateQueries({ queryKey: ["organizations", "members", org] });
    },
  });
}
