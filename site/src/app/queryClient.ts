import { QueryClient } from "@tanstack/react-query";
import { isApiError } from "../api/client";

/**
 * Retries only what may pass on a second try (network errors, 5xx) and
 * never a client error: a 4xx answer is shown at once.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, err) => {
          if (isApiError(err) && err.status >= 400 && err.status < 500) return false;
          return count < 2;
        },
        retryDelay: (count, err) => (isApiError(err) && err.retryAfter ? err.retryAfter * 1000 : 500 * 2 ** count),
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

/** The app's one cache; route loaders use it to start fetches early. */
export const queryClient = createQueryClient();
