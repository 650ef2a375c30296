import { useState, type FormEvent } from "react";
import { isApiError } from "../../api/client";
import { useCreateToken, useDeleteToken, useTokenConfig, useTokens } from "../../api/users";
import type { APIKey } from "../../api/types";
import { ActionsHeader, Button, ConfirmDialog, Dialog, EmptyState, ErrorAlert, PageHeader, QueryState, Select, Table, TextField } from "../../components";
import { absoluteTime, relativeTime } from "../../utils/time";
import { CopyButton } from "./CopyButton";

const DAY_NS = 24 * 3600 * 1e9;
const LIFETIMES = [7, 30, 60, 90, 365];

/** The lifetimes to offer: the usual ones up to the deployment's maximum, and the maximum itself. */
export function lifetimeOptions(maxNs: number | undefined): number[] {
  const maxDays = maxNs ? Math.floor(maxNs / DAY_NS) : Infinity;
  const days = LIFETIMES.filter((d) => d <= maxDays);
  if (Number.isFinite(maxDays) && maxDays >= 1 && !days.includes(maxDays)) days.push(maxDays);
  return days.length ? days : [1];
}

export function Component() {
  const tokens = useTokens("me");
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<APIKey>();
  const del = useDeleteToken("me");
  return (
    <>
      <PageHeader title="Tokens" actions={<Button variant="primary" onClick={() => setCreating(true)}>Create token</Button>}>
        API tokens act as you from scripts and the CLI (<code>Coder-Session-Token</code> header).
      </PageHeader>
      {del.isError && <ErrorAlert error={del.error} title="The token was not deleted" />}
      <QueryState query={tokens} loadingLabel="Loading tokens…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="You have no tokens" action={<Button variant="primary" onClick={() => setCreating(true)}>Create a token</Button>} />
          ) : (
            <Table caption="Your API tokens">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <tr key={t.id} data-token={t.token_name}>
                    <td>
                      <strong>{t.token_name}</strong>
                      <div className="muted small">
                        <code>{t.id}</code>
                      </div>
                    </td>
                    <td title={absoluteTime(t.created_at)}>{relativeTime(t.created_at)}</td>
                    <td title={absoluteTime(t.last_used)}>{relativeTime(t.last_used)}</td>
                    <td title={absoluteTime(t.expires_at)}>{relativeTime(t.expires_at)}</td>
                    <td className="col-actions">
                      <Button variant="ghost" aria-label={`Delete token ${t.token_name}`} onClick={() => setDeleting(t)}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )
        }
      </QueryState>
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete the token ${deleting?.token_name}?`}
        confirmLabel="Delete token"
        danger
        loading={del.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && del.mutate(deleting, { onSettled: () => setDeleting(undefined) })}
      >
        Scripts using it stop working at once.
      </ConfirmDialog>
    </>
  );
}

/** Creates a token, then shows it once: the server never shows it again. */
function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const config = useTokenConfig("me");
  const create = useCreateToken("me");
  const options = lifetimeOptions(config.data?.max_token_lifetime);
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const lifetime = Number(days) || (options.includes(30) ? 30 : options[0]!);
  const err = isApiError(create.error) ? create.error : undefined;
  const key = create.data?.key;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ token_name: name.trim(), lifetime: lifetime * DAY_NS });
  };
  if (key) {
    return (
      <Dialog open onClose={onClose} title="Your new token" hideCancel actions={<Button variant="primary" onClick={onClose}>Done</Button>}>
        <div className="stack">
          <p>Copy it now: it is shown only once.</p>
          <div className="secret-box">
            <code data-testid="new-token">{key}</code>
            <CopyButton text={key} label="Copy token" />
          </div>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      open
      onClose={onClose}
      title="Create a token"
      actions={
        <Button type="submit" form="create-token" variant="primary" loading={create.isPending}>
          Create token
        </Button>
      }
    >
      <form id="create-token" className="form-grid" onSubmit={submit} noValidate>
        <TextField label="Name" required autoFocus value={name} onChange={(e) => setName(e.target.value)} error={err?.fieldError("token_name")} hint="What it is for, e.g. ci-deploy." />
        <Select
          label="Lifetime"
          value={String(lifetime)}
          onChange={(e) => setDays(e.target.value)}
          error={err?.fieldError("lifetime")}
          options={options.map((d) => ({ value: String(d), label: `${d} days` }))}
          hint={config.data?.max_token_lifetime ? `At most ${Math.floor(config.data.max_token_lifetime / DAY_NS)} days on this deployment.` : undefined}
        />
        {create.isError && !err?.validations.length && <ErrorAlert error={create.error} />}
      </form>
    </Dialog>
  );
}
