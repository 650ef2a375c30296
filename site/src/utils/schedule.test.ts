import { describe, expect, it } from "vitest";
import { formatAutostart, parseAutostart } from "./schedule";

describe("autostart schedules", () => {
  it("parses the server's form", () => {
    expect(parseAutostart("CRON_TZ=Europe/Paris 30 9 * * 1-5")).toEqual({ timezone: "Europe/Paris", time: "09:30", days: [1, 2, 3, 4, 5] });
    expect(parseAutostart("0 7 * * *")).toEqual({ timezone: "UTC", time: "07:00", days: [0, 1, 2, 3, 4, 5, 6] });
    expect(parseAutostart("CRON_TZ=UTC 5 18 * * 0,6,7")?.days).toEqual([0, 6]);
    expect(parseAutostart("")).toBeUndefined();
  });
  it("formats what it parses", () => {
    expect(formatAutostart({ timezone: "Europe/Paris", time: "09:30", days: [5, 1, 2, 3, 4] })).toBe("CRON_TZ=Europe/Paris 30 9 * * 1,2,3,4,5");
    expect(formatAutostart({ timezone: "UTC", time: "07:00", days: [0, 1, 2, 3, 4, 5, 6] })).toBe("CRON_TZ=UTC 0 7 * * *");
  });
});
