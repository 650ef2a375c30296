import { useState, type FormEvent } from "react";
import { useAuthMethods, useMe } from "../../api/auth";
import { isApiError } from "../../api/client";
import { useConvertLogin, useUpdatePassword } from "../../api/users";
import { Button, EmptyState, ErrorAlert, PageHeader, QueryState, TextField } from "../../components";
import { convertURL } from "../auth/sso";

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
            <>
              <PasswordForm />
              <ConvertForm />
            </>
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

/** Switching a password account to single sign-on, when the deployment offers it. */
function ConvertForm() {
  const methods = useAuthMethods();
  const convert = useConvertLogin();
  const options: { type: "oidc" | "github"; label: string }[] = [];
  if (methods.data?.oidc?.enabled) options.push({ type: "oidc", label: methods.data.oidc.signInText?.trim() || "OpenID Connect" });
  if (methods.data?.github?.enabled) options.push({ type: "github", label: "GitHub" });
  const [toType, setToType] = useState<"oidc" | "github" | "">("");
  const [password, setPassword] = useState("");
  if (options.length === 0) return null;
  const chosen = toType || (options[0]?.type ?? "oidc");
  const err = isApiError(convert.error) ? convert.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    convert.mutate(
      { user: "me", req: { to_type: chosen, password } },
      { onSuccess: (res) => window.location.assign(convertURL(chosen, res.state_string ?? "")) },
    );
  };
  return (
    <>
      <PageHeader title="Single sign-on" />
      <form className="card form-grid" onSubmit={submit} noValidate aria-label="Switch to single sign-on">
        <p>Sign in with your identity provider instead of a password. Your password stops working once you have signed in with the provider.</p>
        {options.length > 1 && (
          <label className="field">
            <span>Provider</span>
            <select value={chosen} onChange={(e) => setToType(e.target.value as "oidc" | "github")}>
              {options.map((o) => (
                <option key={o.type} value={o.type}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <TextField label="Current password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={err?.fieldError("password")} />
        {convert.isError && !err?.validations.length && <ErrorAlert error={convert.error} />}
        <div className="row">
          <Button type="submit" variant="primary" loading={convert.isPending}>
            Switch to {options.find((o) => o.type === chosen)?.label}
          </Button>
        </div>
      </form>
    </>
  );
}
