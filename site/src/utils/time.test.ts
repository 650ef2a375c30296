import { describe, expect, it } from "vitest";
import { duration, relativeTime } from "./time";

describe("relativeTime", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  it("says never for zero or missing times", () => {
    expect(relativeTime(undefined, now)).toBe("never");
    expect(relativeTime("0001-01-01T00:00:00Z", now)).toBe("never");
  });
  it("rounds to the largest unit", () => {
    expect(relativeTime("2026-01-01T11:57:00Z", now)).toBe("3 minutes ago");
    expect(relativeTime("2026-01-01T14:00:00Z", now)).toBe("in 2 hours");
    expect(relativeTime("2026-01-01T11:59:50Z", now)).toBe("just now");
  });
});

describe("duration", () => {
  it("formats seconds and minutes", () => {
    expect(duration("2026-01-01T00:00:00Z", "2026-01-01T00:00:42Z")).toBe("42s");
    expect(duration("2026-01-01T00:00:00Z", "2026-01-01T00:01:05Z")).toBe("1m 5s");
    expect(duration(undefined, "2026-01-01T00:01:05Z")).toBe("");
  });
});
