import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, RouterProvider } from "react-router";
import { onUnauthorized } from "./api/client";
import { authKeys, meQuery } from "./api/auth";
import { queryClient } from "./app/queryClient";
import { applyTheme } from "./app/theme";
import { routes } from "./routes";
import "./styles.css";

applyTheme();
// Who is signed in is needed by every page: ask at once, in parallel with
// loading the page's own code.
void queryClient.prefetchQuery(meQuery);
// Any 401 means the session ended (expired, signed out elsewhere): forget
// the user, and RequireAuth sends the browser to sign in and back.
onUnauthorized(() => queryClient.setQueryData(authKeys.me, null));
const router = createBrowserRouter(routes);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
