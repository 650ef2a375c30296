import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { useAuthMethods, useHasFirstUser, useLogin, useMe } from "../../api/auth";
import { isApiError } from "../../api/client";
import { Button, ErrorAlert, Loading, TextField } from "../../components";
import { safeRedirect } from "./redirect";
import { SSOButtons, ssoLinks } from "./sso";

export function Component() {
  const [params] = useSearchParams();
  const redirect = safeRedirect(params.get("redirect"));
  const me = useMe();
  const hasFirstUser = useHasFirstUser();
  const methods = useAuthMethods();
  const login = useLogin();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  if (me.data) return <Navigate to={redirect} replace />;
  if (hasFirstUser.data === false) return <Navigate to="/setup" replace />;
  if (hasFirstUser.isPending || methods.isPending) return <Loading />;

  const err = isApiError(login.error) ? login.error : undefined;
  const links = ssoLinks(methods.data, redirect);
  // Without the methods (an old server, a failed request), offer the password.
  const passwordEnabled = methods.data?.password?.enabled ?? true;
  const callbackError = params.get("error");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => navigate(redirect, { replace: true }) });
  };
  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">Sign in to devplane</h1>
        {callbackError && <ErrorAlert title="Sign-in failed" error={callbackError} />}
        {hasFirstUser.isError && <ErrorAlert error={hasFirstUser.error} />}
        {login.isError && !err?.validations.length && <ErrorAlert error={login.error} />}
        <SSOButtons links={links} />
        {links.length > 0 && passwordEnabled && <p className="sso-divider">or</p>}
        {passwordEnabled && (
          <>
            <TextField
              label="Email"
              type="email"
              name="email"
              autoComplete="username"
              required
              autoFocus={links.length === 0}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={err?.fieldError("email")}
            />
            <TextField
              label="Password"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={err?.fieldError("password")}
            />
            <Button type="submit" variant="primary" loading={login.isPending}>
              Sign in
            </Button>
          </>
        )}
      </form>
    </main>
  );
}
