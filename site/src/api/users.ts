// Users (administration) and the signed-in user's own account: profile,
// password, API tokens, Git SSH key, appearance.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { authKeys } from "./auth";
import type {
  ConvertLoginRequest,
  OAuthConversionResponse,
  APIKey,
  AssignableRole,
  CreateTokenRequest,
  CreateUserRequest,
  GenerateAPIKeyResponse,
  GetUsersResponse,
  GitSSHKey,
  TokenConfig,
  UpdateUserPasswordRequest,
  UpdateUserProfileRequest,
  User,
  UpdateAppearanceRequest,
  UserAppearanceSettings,
} from "./types";

export const userKeys = {
  all: ["users"] as const,
  list: (q: string, offset: number, limit: number) => ["users", "list", { q, offset, limit }] as const,
  siteRoles: ["users", "roles"] as const,
  tokens: (user: string) => ["users", "tokens", user] as const,
  tokenConfig: (user: string) => ["users", "tokenconfig", user] as const,
  sshKey: (user: string) => ["users", "gitsshkey", user] as const,
  appearance: (user: string) => ["users", "appearance", user] as const,
};

const userPath = (user: string) => `/users/${encodeURIComponent(user)}`;

export const USERS_PAGE_SIZE = 25;

/** The users page's list parameters, from its URL (?q=, ?page=). */
export function usersListParams(params: URLSearchParams) {
  const q = params.get("q") ?? "";
  const page = Math.max(1, Math.floor(Number(params.get("page"))) || 1);
  return { q, page, offset: (page - 1) * USERS_PAGE_SIZE, limit: USERS_PAGE_SIZE };
}

export function usersQuery(q: string, offset: number, limit: number) {
  return queryOptions({
    queryKey: userKeys.list(q, offset, limit),
    queryFn: ({ signal }) => api.get<GetUsersResponse>("/users", { query: { q, offset, limit }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useUsers(q: string, offset: number, limit: number) {
  return useQuery(usersQuery(q, offset, limit));
}

/** The site roles, each saying whether the signed-in user may assign it. */
export function useSiteRoles() {
  return useQuery({
    queryKey: userKeys.siteRoles,
    queryFn: ({ signal }) => api.get<AssignableRole[]>("/users/roles", { signal }),
    staleTime: 5 * 60_000,
  });
}

/** Mutations on users refresh every user list (and "me" when it is me). */
function useUserMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["users", "list"] });
      void qc.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}

export function useCreateUser() {
  return useUserMutation((req: CreateUserRequest) => api.post<User>("/users", req));
}

export function useSetUserStatus() {
  return useUserMutation(({ user, status }: { user: User; status: "active" | "suspended" }) =>
    api.put<User>(`${userPath(user.id)}/status/${status === "active" ? "activate" : "suspend"}`),
  );
}

export function useUpdateUserRoles() {
  return useUserMutation(({ user, roles }: { user: User; roles: string[] }) => api.put<User>(`${userPath(user.id)}/roles`, { roles }));
}

export function useDeleteUser() {
  return useUserMutation((user: User) => api.delete(userPath(user.id)));
}

/** Sets a password: an admin resetting another user's needs no old one. */
export function useUpdatePassword() {
  return useMutation({
    mutationFn: ({ user, req }: { user: string; req: UpdateUserPasswordRequest }) => api.put(`${userPath(user)}/password`, req),
  });
}

/** Starts switching a password account to OIDC or GitHub (the password proves it once more). */
export function useConvertLogin() {
  return useMutation({
    mutationFn: ({ user, req }: { user: string; req: ConvertLoginRequest }) =>
      api.post<OAuthConversionResponse>(`${userPath(user)}/convert-login`, req),
  });
}

export function useUpdateProfile() {
  return useUserMutation(({ user, req }: { user: string; req: UpdateUserProfileRequest }) => api.put<User>(`${userPath(user)}/profile`, req));
}

// Tokens ------------------------------------------------------------------

export function tokensQuery(user: string) {
  return queryOptions({
    queryKey: userKeys.tokens(user),
    queryFn: ({ signal }) => api.get<APIKey[]>(`${userPath(user)}/keys/tokens`, { signal }),
  });
}

export function useTokens(user: string) {
  return useQuery(tokensQuery(user));
}

export function useTokenConfig(user: string) {
  return useQuery({
    queryKey: userKeys.tokenConfig(user),
    queryFn: ({ signal }) => api.get<TokenConfig>(`${userPath(user)}/keys/tokens/tokenconfig`, { signal }),
    staleTime: Infinity,
  });
}

export function useCreateToken(user: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: CreateTokenRequest) => api.post<GenerateAPIKeyResponse>(`${userPath(user)}/keys/tokens`, req),
    onSuccess: () => void qc.invalidateQueries({ queryKey: userKeys.tokens(user) }),
  });
}

/**
 * Creates a session key for the CLI (`coder login` asks the user to paste
 * it): POST /users/me/keys, the key `coder login --token` would make.
 */
export function useCreateCliSessionKey() {
  return useMutation({
    mutationFn: () => api.post<GenerateAPIKeyResponse>(`${userPath("me")}/keys`),
  });
}

export function useDeleteToken(user: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (key: APIKey) => api.delete(`${userPath(user)}/keys/${encodeURIComponent(key.id)}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: userKeys.tokens(user) }),
  });
}

// Git SSH key --------------------------------------------------------------

export function useGitSSHKey(user: string) {
  return useQuery({
    queryKey: userKeys.sshKey(user),
    queryFn: ({ signal }) => api.get<GitSSHKey>(`${userPath(user)}/gitsshkey`, { signal }),
  });
}

export function useRegenerateGitSSHKey(user: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.put<GitSSHKey>(`${userPath(user)}/gitsshkey`),
    onSuccess: (key) => qc.setQueryData(userKeys.sshKey(user), key),
  });
}

// Appearance -----------------------------------------------------------------

export function useAppearance(user: string) {
  return useQuery({
    queryKey: userKeys.appearance(user),
    queryFn: ({ signal }) => api.get<UserAppearanceSettings>(`${userPath(user)}/appearance`, { signal }),
  });
}

export function useUpdateAppearance(user: string) {
  const qc = useQueryClient();
  return useMutation({
    // One save at a time, in the order chosen: two quick choices sent at
    // once could reach the server in either order and leave the earlier
    // one saved while the page shows the later.
    scope: { id: `appearance:${user}` },
    mutationFn: (req: UpdateAppearanceRequest) => api.put<UserAppearanceSettings>(`${userPath(user)}/appearance`, req),
    onSuccess: (settings) => qc.setQueryData(userKeys.appearance(user), settings),
  });
}
