// Single sign-on buttons: each is a plain link to the provider's callback on
// the server, which sends the browser to the provider and back, then on to
// the page the sign-in started from.
import type { AuthMethods } from "../../api/types";

export interface SSOLink {
  key: "oidc" | "github";
  label: string;
  href: string;
  icon?: string;
}

/** The sign-in links the deployment offers, returning to redirect after. */
export function ssoLinks(methods: AuthMethods | undefined, redirect: string): SSOLink[] {
  if (!methods) return [];
  const q = `?redirect=${encodeURIComponent(redirect)}`;
  const out: SSOLink[] = [];
  if (methods.github?.enabled) {
    out.push({ key: "github", label: "Sign in with GitHub", href: `/api/v2/users/oauth2/github/callback${q}` });
  }
  if (methods.oidc?.enabled) {
    const text = methods.oidc.signInText?.trim() || "OpenID Connect";
    out.push({ key: "oidc", label: `Sign in with ${text}`, href: `/api/v2/users/oidc/callback${q}`, icon: methods.oidc.iconUrl || undefined });
  }
  return out;
}

export function SSOButtons({ links }: { links: SSOLink[] }) {
  if (links.length === 0) return null;
  return (
    <div className="sso-buttons">
      {links.map((l) => (
        <a key={l.key} className="btn sso-button" href={l.href}>
          {l.icon && <img src={l.icon} alt="" width={18} height={18} />}
          {l.label}
        </a>
      ))}
    </div>
  );
}

/** Where the browser goes to finish switching to a provider: its callback with the conversion state. */
export function convertURL(toType: "oidc" | "github", state: string, redirect = "/settings/security"): string {
  const path = toType === "github" ? "/api/v2/users/oauth2/github/callback" : "/api/v2/users/oidc/callback";
  return `${path}?oidc_merge_state=${encodeURIComponent(state)}&redirect=${encodeURIComponent(redirect)}`;
}
