import { Navigate, Outlet, useLocation } from "react-router";
import { useMe } from "../api/auth";
import { ErrorAlert, Loading } from "../components";

/**
 * Renders the signed-in part of the app, or sends the browser to sign in
 * and back here after. A session that ends while a page is open (any 401)
 * clears the user, which lands here too.
 */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Loading session…" />;
  if (me.isError)
    return (
      <main className="centered">
        <ErrorAlert error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  if (!me.data) {
    const back = location.pathname + location.search;
    const to = back === "/" ? "/login" : `/login?redirect=${encodeURIComponent(back)}`;
    return <Navigate to={to} replace />;
  }
  return <Outlet />;
}
