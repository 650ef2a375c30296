import { useState, type FormEvent } from "react";
import { useMe } from "../../api/auth";
import { isApiError } from "../../api/client";
import { useUpdateProfile } from "../../api/users";
import type { User } from "../../api/types";
import { Button, ErrorAlert, PageHeader, QueryState, TextField } from "../../components";

export function Component() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Account" />
      <QueryState query={me}>{(u) => (u ? <ProfileForm user={u} /> : null)}</QueryState>
    </>
  );
}

function ProfileForm({ user }: { user: User }) {
  const update = useUpdateProfile();
  const [form, setForm] = useState({ username: user.username, name: user.name ?? "" });
  const err = isApiError(update.error) ? update.error : undefined;
  const changed = form.username !== user.username || form.name !== (user.name ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ user: "me", req: form });
  };
  return (
    <form className="card form-grid" onSubmit={submit} noValidate aria-label="Profile">
      <TextField label="Email" value={user.email} readOnly hint="Your email cannot be changed here." />
      <TextField
        label="Username"
        required
        autoComplete="username"
        value={form.username}
        onChange={(e) => setForm({ ...form, username: e.target.value })}
        error={err?.fieldError("username")}
        hint="Your workspaces' URLs contain it (/@username/workspace)."
      />
      <TextField label="Full name" autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={err?.fieldError("name")} />
      {update.isError && !err?.validations.length && <ErrorAlert error={update.error} />}
      <div className="row">
        <Button type="submit" variant="primary" loading={update.isPending} disabled={!changed}>
          Save profile
        </Button>
        {update.isSuccess && !changed && <span role="status">Saved.</span>}
      </div>
    </form>
  );
}
