import { describe, expect, it } from "vitest";
import { lifetimeOptions } from "./TokensPage";
import { appearanceRequest } from "./AppearancePage";

const DAY_NS = 24 * 3600 * 1e9;

describe("lifetimeOptions", () => {
  it("offers the usual lifetimes up to the deployment's maximum, and the maximum", () => {
    expect(lifetimeOptions(undefined)).toEqual([7, 30, 60, 90, 365]);
    expect(lifetimeOptions(30 * DAY_NS)).toEqual([7, 30]);
    expect(lifetimeOptions(45 * DAY_NS)).toEqual([7, 30, 45]);
  });
  it("offers one day when the maximum is shorter than a week", () => {
    expect(lifetimeOptions(3 * DAY_NS)).toEqual([3]);
    expect(lifetimeOptions(3600e9)).toEqual([1]);
  });
});

describe("appearanceRequest", () => {
  it("keeps the system theme as light/dark sync, a fixed one as single", () => {
    expect(appearanceRequest("system")).toMatchObject({ theme_mode: "sync", theme_light: "light", theme_dark: "dark" });
    expect(appearanceRequest("dark")).toMatchObject({ theme_mode: "single", theme_preference: "dark" });
  });
});
