import { useState } from "react";
import { useGitSSHKey, useRegenerateGitSSHKey } from "../../api/users";
import { Button, ConfirmDialog, ErrorAlert, PageHeader, QueryState } from "../../components";
import { absoluteTime } from "../../utils/time";
import { CopyButton } from "./CopyButton";

/** The key workspaces use for Git over SSH: add the public half to GitHub, GitLab, … */
export function Component() {
  const key = useGitSSHKey("me");
  const regenerate = useRegenerateGitSSHKey("me");
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <PageHeader title="SSH key" actions={<Button onClick={() => setConfirming(true)}>Regenerate</Button>}>
        Your workspaces sign Git operations over SSH with this key. Add the public key to your Git provider.
      </PageHeader>
      {regenerate.isError && <ErrorAlert error={regenerate.error} title="The key was not regenerated" />}
      <QueryState query={key} loadingLabel="Loading the key…">
        {(k) => (
          <section className="card stack" aria-label="Public key">
            <code className="pubkey" data-testid="public-key">
              {k.public_key?.trim()}
            </code>
            <div className="row">
              <CopyButton text={k.public_key?.trim() ?? ""} label="Copy public key" />
              <span className="muted small">Updated {absoluteTime(k.updated_at)}</span>
            </div>
          </section>
        )}
      </QueryState>
      <ConfirmDialog
        open={confirming}
        title="Regenerate your SSH key?"
        confirmLabel="Regenerate key"
        danger
        loading={regenerate.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => regenerate.mutate(undefined, { onSettled: () => setConfirming(false) })}
      >
        The old key stops working: replace it at your Git provider with the new one.
      </ConfirmDialog>
    </>
  );
}
