import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import type { AuthMethods } from "../../api/types";
import { SSOButtons, convertURL, ssoLinks } from "./sso";

const methods = (over: Partial<AuthMethods> = {}): AuthMethods => ({
  password: { enabled: true },
  github: { enabled: false, default_provider_configured: false },
  oidc: { enabled: false, signInText: "", iconUrl: "" },
  ...over,
});

describe("single sign-on links", () => {
  it("offers nothing when only passwords are enabled", () => {
    expect(ssoLinks(methods(), "/workspaces")).toEqual([]);
    expect(ssoLinks(undefined, "/workspaces")).toEqual([]);
  });

  it("links each configured provider's callback, keeping the redirect", () => {
    const links = ssoLinks(
      methods({
        github: { enabled: true, default_provider_configured: false },
        oidc: { enabled: true, signInText: "Okta", iconUrl: "/icon/okta.svg" },
      }),
      "/templates?x=1",
    );
    expect(links).toEqual([
      { key: "github", label: "Sign in with GitHub", href: "/api/v2/users/oauth2/github/callback?redirect=%2Ftemplates%3Fx%3D1" },
      { key: "oidc", label: "Sign in with Okta", href: "/api/v2/users/oidc/callback?redirect=%2Ftemplates%3Fx%3D1", icon: "/icon/okta.svg" },
    ]);
  });

  it("names OIDC by default and renders links with their icon", () => {
    const links = ssoLinks(methods({ oidc: { enabled: true, signInText: " ", iconUrl: "" } }), "/");
    render(<SSOButtons links={links} />);
    const link = screen.getByRole("link", { name: "Sign in with OpenID Connect" });
    expect(link.getAttribute("href")).toBe("/api/v2/users/oidc/callback?redirect=%2F");
  });

  it("finishes a conversion at the provider's callback with the state", () => {
    expect(convertURL("oidc", "a+b")).toBe("/api/v2/users/oidc/callback?oidc_merge_state=a%2Bb&redirect=%2Fsettings%2Fsecurity");
    expect(convertURL("github", "s", "/")).toBe("/api/v2/users/oauth2/github/callback?oidc_merge_state=s&redirect=%2F");
  });
});
