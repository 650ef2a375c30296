import { useState, type FormEvent } from "react";
import { useMe } from "../../api/auth";
import { isApiError } from "../../api/client";
import { useUpdatePassword } from "../../api/users";
import { Button, EmptyState, ErrorAlert, PageHeader, QueryState, TextField } from "../../components";

export function Component() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Password" />
      <QueryState query={me}>
        {(u) =>
          u && (u.login_type || "password") !== "password" ? (
            <EmptyState title="You sign in without a password">Your account signs in with {u.login_type}; there is no password to change.</EmptyState>
          ) : (
            <PasswordForm />
          )
        }
      </QueryState>
    </>
  );
}

function PasswordForm() {
  const update = useUpdatePassword();
  const [form, setForm] = useState({ old_password: "", password: "", confirm: "" });
  const [mismatch, setMismatch] = useState(false);
  const err = isApiError(update.error) ? update.error : undefined;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.password !== form.confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    update.mutate(
      { user: "me", req: { old_password: form.old_password, password: form.password } },
      { onSuccess: () => setForm({ old_password: "", password: "", confirm: "" }) },
    );
  };
  return (
    <form className="card form-grid" onSubmit={submit} noValidate aria-label="Change password">
      <TextField label="Current password" type="password" autoComplete="current-password" required value={form.old_password} onChange={set("old_password")} error={err?.fieldError("old_password")} />
      <TextField label="New password" type="password" autoComplete="new-password" required value={form.password} onChange={set("password")} error={err?.fieldError("password")} />
      <TextField
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        required
        value={form.confirm}
        onChange={set("confirm")}
        error={mismatch ? "does not match the new password" : undefined}
      />
      {update.isError && !err?.validations.length && <ErrorAlert error={update.error} />}
      <div className="row">
        <Button type="submit" variant="primary" loading={update.isPending}>
          Change password
        </Button>
        {update.isSuccess && <span role="status">Password changed.</span>}
      </div>
    </form>
  );
}
