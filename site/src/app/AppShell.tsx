import { useEffect } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { useLogout, useMe } from "../api/auth";
import { topNavAdminLinks, usePermissions } from "../api/permissions";
import { adoptAccountTheme, THEMES, useTheme, type Theme } from "./theme";
import { Select } from "../components";

export function AppShell() {
  const me = useMe().data;
  // Which admin links a user sees follows what the server grants (one
  // POST /authcheck per user); the server still checks every request.
  const adminLinks = topNavAdminLinks(usePermissions().data);
  useEffect(() => adoptAccountTheme(me?.theme_preference), [me?.theme_preference]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/workspaces" className="brand" aria-label="devplane home">
          <svg viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
            <rect width="32" height="32" rx="6" fill="currentColor" />
            <path d="M9 8h7a8 8 0 0 1 0 16H9z" fill="none" stroke="var(--bg)" strokeWidth="3" />
          </svg>
          <span>devplane</span>
        </NavLink>
        <nav aria-label="Main" className="mainnav">
          <NavLink to="/workspaces">Workspaces</NavLink>
          <NavLink to="/templates">Templates</NavLink>
          {adminLinks.map((l) => (
            <NavLink key={l.to} to={l.to}>
              {l.label}
            </NavLink>
          ))}
        </nav>
        <AccountMenu username={me?.username ?? ""} email={me?.email ?? ""} />
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

function AccountMenu({ username, email }: { username: string; email: string }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const [theme, setTheme] = useTheme();
  // The Swagger page exists only when the server enables it.
  const swagger = useQuery({
    queryKey: ["swagger-enabled"],
    queryFn: async () => (await fetch("/swagger/", { method: "HEAD" })).ok,
    staleTime: Infinity,
    retry: false,
  });
  return (
    <div className="account">
      {/* The Popover API gives light dismiss, Escape and aria-expanded. */}
      <button type="button" className="btn btn-ghost" popoverTarget="account-menu" aria-label={`Account: ${username}`}>
        <span className="avatar" aria-hidden="true">
          {username.slice(0, 1).toUpperCase()}
        </span>
        <span className="account-name">{username}</span>
      </button>
      <div id="account-menu" popover="auto" className="menu">
        <div className="menu-header">
          <strong>{username}</strong>
          <span className="muted">{email}</span>
        </div>
        <NavLink to="/settings/account" className="menu-item">
          Account settings
        </NavLink>
        {swagger.data && (
          <a href="/swagger/" className="menu-item" target="_blank" rel="noreferrer">
            API reference (Swagger)
          </a>
        )}
        <Select
          label="Theme"
          value={theme}
          onChange={(e) => setTheme(e.target.value as Theme)}
          options={THEMES.map((t) => ({ value: t, label: t[0]!.toUpperCase() + t.slice(1) }))}
        />
        <button
          type="button"
          className="menu-item"
          onClick={() =>
            logout.mutate(undefined, {
              onSettled: () => navigate("/login", { replace: true }),
            })
          }
        >
          Sign out
        </button>
      </div>
    </div>
  );
}
