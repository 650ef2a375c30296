import { useEffect, useRef } from "react";
import { useCreateCliSessionKey } from "../../api/users";
import { Button, ErrorAlert, Loading } from "../../components";
import { CopyButton } from "../settings/CopyButton";

/**
 * /cli-auth, where `coder login` sends the browser: a new session token for
 * the signed-in user to paste into the terminal. Signing in first, if
 * needed, is RequireAuth's job, which brings the user back here.
 */
export function Component() {
  const create = useCreateCliSessionKey();
  // One key per visit, also under StrictMode's double effects.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    create.mutate();
  }, [create]);

  const key = create.data?.key;
  return (
    <main className="auth-page" id="main">
      <section className="card auth-card" aria-labelledby="cli-auth-title">
        <h1 id="cli-auth-title">Session token</h1>
        {create.isError ? (
          <>
            <ErrorAlert error={create.error} title="No token was created" />
            <Button onClick={() => create.mutate()}>Try again</Button>
          </>
        ) : !key ? (
          <Loading label="Creating a token…" />
        ) : (
          <>
            <p>Copy the session token below and paste it in your terminal.</p>
            <div className="secret-box">
              <code data-testid="cli-token">{key}</code>
              <CopyButton text={key} label="Copy session token" />
            </div>
            <p className="muted small">It signs the CLI in as you; it is shown only once.</p>
          </>
        )}
      </section>
    </main>
  );
}
