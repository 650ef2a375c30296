// Light, dark or the system's: kept in localStorage, applied as
// <html data-theme>, which the stylesheet's color-scheme follows.
import { useSyncExternalStore } from "react";

export type Theme = "light" | "dark" | "system";
export const THEMES: Theme[] = ["system", "light", "dark"];
const KEY = "devplane.theme";
const listeners = new Set<() => void>();

export function getTheme(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    if (v === "light" || v === "dark" || v === "system") return v;
  } catch {
    // Storage can be disabled; the system theme then applies.
  }
  return "system";
}

export function setTheme(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Not kept across reloads then; still applied now.
  }
  applyTheme(theme);
  listeners.forEach((l) => l());
}

export function applyTheme(theme: Theme = getTheme()): void {
  document.documentElement.dataset.theme = theme;
}

export function useTheme(): [Theme, (t: Theme) => void] {
  const theme = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getTheme,
    () => "system" as Theme,
  );
  return [theme, setTheme];
}

/** Whether this browser has a theme of its own (else the account's applies). */
export function hasStoredTheme(): boolean {
  try {
    return localStorage.getItem(KEY) !== null;
  } catch {
    return false;
  }
}

/**
 * The theme saved to the account (theme_preference on /users/me: "auto",
 * "light" or "dark"), adopted by a browser that has none of its own, so a
 * choice follows the user to a new browser without another request.
 */
export function adoptAccountTheme(preference: string | undefined): void {
  if (hasStoredTheme() || !preference) return;
  const theme: Theme | undefined = preference === "auto" ? "system" : preference === "light" || preference === "dark" ? preference : undefined;
  if (theme) setTheme(theme);
}
