import { isRouteErrorResponse, useRouteError } from "react-router";
import { Button, ErrorAlert } from "../components";

/**
 * The page shown when a route fails to render or load. A chunk that no
 * longer exists means the server was upgraded under an open tab: reload.
 */
export function RouteError() {
  const error = useRouteError();
  const staleChunk = error instanceof TypeError && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <main className="centered" id="main">
      <h1>Something went wrong</h1>
      {staleChunk ? (
        <p>The dashboard was updated. Reload the page to get the new version.</p>
      ) : (
        <ErrorAlert error={isRouteErrorResponse(error) ? new Error(`${error.status} ${error.statusText}`) : error} />
      )}
      <Button variant="primary" onClick={() => window.location.reload()}>
        Reload
      </Button>
    </main>
  );
}
