import { describe, expect, it } from "vitest";
import { humanSeconds, insightsRange } from "./insights";
import { usersPerTemplate } from "../pages/insights/insightsViews";

describe("insightsRange", () => {
  it("runs from midnight days ago to the next whole hour, in the given offset", () => {
    const now = new Date("2026-08-10T13:25:00Z");
    expect(insightsRange(7, now, 2)).toEqual({ start_time: "2026-08-03T00:00:00+02:00", end_time: "2026-08-10T16:00:00+02:00" });
    expect(insightsRange(7, now, 0)).toEqual({ start_time: "2026-08-03T00:00:00+00:00", end_time: "2026-08-10T14:00:00+00:00" });
  });

  it("counts days in the offset's calendar, not UTC's", () => {
    const now = new Date("2026-08-10T23:30:00Z");
    // Already August 11th at +2, still August 10th at -5.
    expect(insightsRange(1, now, 2)).toEqual({ start_time: "2026-08-10T00:00:00+02:00", end_time: "2026-08-11T02:00:00+02:00" });
    expect(insightsRange(1, now, -5)).toEqual({ start_time: "2026-08-09T00:00:00-05:00", end_time: "2026-08-10T19:00:00-05:00" });
  });
});

describe("humanSeconds", () => {
  it("reads as hours and minutes", () => {
    expect(humanSeconds(30)).toBe("30s");
    expect(humanSeconds(45 * 60)).toBe("45m");
    expect(humanSeconds(3 * 3600 + 5 * 60 + 9)).toBe("3h 5m");
  });
});

describe("usersPerTemplate", () => {
  it("counts each user once per template", () => {
    const counts = usersPerTemplate([
      { user_id: "a", template_ids: ["t1", "t2"] },
      { user_id: "b", template_ids: ["t1"] },
      { user_id: "c", template_ids: [] },
    ]);
    expect(Object.fromEntries(counts)).toEqual({ t1: 2, t2: 1 });
  });
});
