import { beforeEach, describe, expect, it } from "vitest";
import { adoptAccountTheme, getTheme, setTheme } from "./theme";

describe("adoptAccountTheme", () => {
  beforeEach(() => localStorage.clear());
  it("applies the account's theme in a browser without one", () => {
    adoptAccountTheme("dark");
    expect(getTheme()).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
  });
  it("maps auto to the system theme, and ignores what it does not know", () => {
    adoptAccountTheme("auto");
    expect(getTheme()).toBe("system");
    localStorage.clear();
    adoptAccountTheme("solarized");
    expect(localStorage.length).toBe(0);
  });
  it("never overrides this browser's own choice", () => {
    setTheme("light");
    adoptAccountTheme("dark");
    expect(getTheme()).toBe("light");
  });
});
