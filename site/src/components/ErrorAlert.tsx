import type { ReactNode } from "react";
import { isApiError } from "../api/client";
import { Button } from "./Button";

/**
 * Shows a failed request: the server's message and detail, the request id
 * to quote when reporting it, and for an unreachable or unavailable server
 * (503) says so, with the wait it asked for.
 */
export function ErrorAlert({ error, title, onRetry }: { error: unknown; title?: ReactNode; onRetry?: () => void }) {
  const api = isApiError(error) ? error : undefined;
  let heading = title;
  if (api?.status === 0) heading = "Cannot reach the server";
  else if (api?.status === 503) heading = "Server unavailable";
  const message = api?.message ?? (error instanceof Error ? error.message : String(error));
  return (
    <div className="alert alert-error" role="alert">
      {heading && <strong className="alert-title">{heading}</strong>}
      <p className="alert-message">{message}</p>
      {api?.detail && <p className="alert-detail">{api.detail}</p>}
      {api?.retryAfter !== undefined && <p className="alert-detail">Try again in {api.retryAfter} s.</p>}
      {api?.requestId && (
        <p className="alert-meta">
          Request id: <code>{api.requestId}</code>
        </p>
      )}
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}
