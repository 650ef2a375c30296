import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, RouterProvider } from "react-router";
import { onUnauthorized } from "./api/client";
import { authKeys } from "./api/auth";
import { createQueryClient } from "./app/queryClient";
import { applyTheme } from "./app/theme";
import { routes } from "./routes";
import "./styles.css";

applyTheme();
const queryClient = createQueryClient();
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
