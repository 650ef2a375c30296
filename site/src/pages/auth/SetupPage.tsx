import { useState, type FormEvent } from "react";
import { Navigate, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { authKeys, useCreateFirstUser, useHasFirstUser } from "../../api/auth";
import { isApiError } from "../../api/client";
import { Button, ErrorAlert, Loading, TextField } from "../../components";

/** First-user setup: shown while the deployment has no user at all. */
export function Component() {
  const hasFirstUser = useHasFirstUser();
  const create = useCreateFirstUser();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState({ email: "", username: "", name: "", password: "" });

  if (hasFirstUser.isPending) return <Loading />;
  if (hasFirstUser.data === true && !create.isPending && !create.isSuccess) return <Navigate to="/login" replace />;

  const err = isApiError(create.error) ? create.error : undefined;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form, {
      onSuccess: async () => {
        qc.setQueryData(authKeys.firstUser, true);
        await qc.invalidateQueries({ queryKey: authKeys.me });
        navigate("/workspaces", { replace: true });
      },
    });
  };
  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="setup-title" noValidate>
        <h1 id="setup-title">Create the first user</h1>
        <p className="muted">This deployment has no users yet. The first one owns it.</p>
        {hasFirstUser.isError && <ErrorAlert error={hasFirstUser.error} />}
        {create.isError && !err?.validations.length && <ErrorAlert error={create.error} />}
        <TextField label="Email" type="email" autoComplete="email" required autoFocus value={form.email} onChange={set("email")} error={err?.fieldError("email")} />
        <TextField label="Username" autoComplete="username" required value={form.username} onChange={set("username")} error={err?.fieldError("username")} />
        <TextField label="Full name (optional)" autoComplete="name" value={form.name} onChange={set("name")} error={err?.fieldError("name")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set("password")}
          error={err?.fieldError("password")}
        />
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create user and sign in
        </Button>
      </form>
    </main>
  );
}
