// Session: who is signed in, signing in and out, the first user.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, isApiError } from "./client";
import type { AuthMethods, BuildInfo, CreateFirstUserRequest, LoginRequest, LoginResponse, User } from "./types";

export const authKeys = {
  me: ["users", "me"] as const,
  firstUser: ["users", "first"] as const,
  buildInfo: ["buildinfo"] as const,
  authMethods: ["users", "authmethods"] as const,
};

/** The signed-in user, or null when there is no session. */
export const meQuery = queryOptions({
  queryKey: authKeys.me,
  queryFn: async ({ signal }): Promise<User | null> => {
    try {
      return await api.get<User>("/users/me", { signal });
    } catch (err) {
      if (isApiError(err) && err.status === 401) return null;
      throw err;
    }
  },
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

/** Whether the deployment has its first user yet (GET /users/first: 200 or 404). */
export function useHasFirstUser() {
  return useQuery({
    queryKey: authKeys.firstUser,
    queryFn: async ({ signal }) => {
      try {
        await api.get("/users/first", { signal });
        return true;
      } catch (err) {
        if (isApiError(err) && err.status === 404) return false;
        throw err;
      }
    },
    staleTime: Infinity,
  });
}

export function useBuildInfo() {
  return useQuery({
    queryKey: authKeys.buildInfo,
    queryFn: ({ signal }) => api.get<BuildInfo>("/buildinfo", { signal }),
    staleTime: Infinity,
  });
}

/** The ways to sign in: password, and the configured OIDC / GitHub providers. */
export function useAuthMethods() {
  return useQuery({
    queryKey: authKeys.authMethods,
    queryFn: ({ signal }) => api.get<AuthMethods>("/users/authmethods", { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: LoginRequest) => api.post<LoginResponse>("/users/login", req),
    onSuccess: async () => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== authKeys.me[0] });
      await qc.invalidateQueries({ queryKey: authKeys.me });
    },
  });
}

export function useCreateFirstUser() {
  return useMutation({
    mutationFn: async (req: CreateFirstUserRequest) => {
      await api.post("/users/first", req);
      // The first user is created without a session: sign in as it.
      return api.post<LoginResponse>("/users/login", { email: req.email, password: req.password });
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post("/users/logout"),
    onSettled: () => {
      qc.clear();
      qc.setQueryData(authKeys.me, null);
    },
  });
}
