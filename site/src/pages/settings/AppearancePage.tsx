import { useId } from "react";
import { useMe } from "../../api/auth";
import { useUpdateAppearance } from "../../api/users";
import { THEMES, useTheme, type Theme } from "../../app/theme";
import type { UpdateAppearanceRequest } from "../../api/types";
import { ErrorAlert, PageHeader } from "../../components";

const labels: Record<Theme, string> = { system: "System (follow the device)", light: "Light", dark: "Dark" };

/** How the choice is kept on the server (Coder's appearance settings), so it follows the user. */
export function appearanceRequest(theme: Theme): UpdateAppearanceRequest {
  if (theme === "system") return { theme_preference: "auto", terminal_font: "", theme_mode: "sync", theme_light: "light", theme_dark: "dark" };
  return { theme_preference: theme, terminal_font: "", theme_mode: "single" };
}

/** The theme: applied at once in this browser, and saved to the account. */
export function Component() {
  const [theme, setTheme] = useTheme();
  const me = useMe().data;
  const save = useUpdateAppearance(me?.id ?? "me");
  const name = useId();
  const choose = (t: Theme) => {
    setTheme(t);
    save.mutate(appearanceRequest(t));
  };
  return (
    <>
      <PageHeader title="Appearance" />
      <fieldset className="checks card">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t}>
            <input type="radio" name={name} value={t} checked={theme === t} onChange={() => choose(t)} />
            {labels[t]}
          </label>
        ))}
      </fieldset>
      <p role="status" className="muted small">
        {save.isPending ? "Saving…" : save.isSuccess ? "Saved to your account." : ""}
      </p>
      {save.isError && <ErrorAlert error={save.error} title="Applied here, but not saved to your account" />}
    </>
  );
}
