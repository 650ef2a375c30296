import { SideNavLayout } from "../../components";

/** The signed-in user's own settings. */
export function Component() {
  return (
    <SideNavLayout
      label="Account settings"
      items={[
        { to: "/settings/account", label: "Account" },
        { to: "/settings/security", label: "Password" },
        { to: "/settings/tokens", label: "Tokens" },
        { to: "/settings/ssh-keys", label: "SSH key" },
        { to: "/settings/appearance", label: "Appearance" },
      ]}
    />
  );
}
