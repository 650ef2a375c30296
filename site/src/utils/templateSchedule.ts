// A template's schedule settings as the server writes them: weekdays by
// name (autostop and autostart requirements) and durations in milliseconds.
// Forms edit hours and days; these convert both ways. (Workspace autostart
// schedules are in schedule.ts.)

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HOUR = 3_600_000;

/** Milliseconds as hours for a form field ("" for 0 or unset). */
export function msToHours(ms: number | undefined | null): string {
  if (!ms) return "";
  const h = ms / HOUR;
  return String(Math.round(h * 1000) / 1000);
}

/** A form's hours back to milliseconds; empty is 0, bad input is NaN. */
export function hoursToMs(hours: string): number {
  const t = hours.trim();
  if (t === "") return 0;
  if (!/^\d+(\.\d+)?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * HOUR);
}

/** Milliseconds as days for a form field ("" for 0). */
export function msToDays(ms: number | undefined | null): string {
  if (!ms) return "";
  return String(Math.round((ms / (24 * HOUR)) * 1000) / 1000);
}

export function daysToMs(days: string): number {
  const t = days.trim();
  if (t === "") return 0;
  if (!/^\d+(\.\d+)?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 24 * HOUR);
}

/** "8 h", "1 d 2 h", "30 min" for a duration in milliseconds; "off" for 0. */
export function humanDuration(ms: number | undefined | null): string {
  if (!ms) return "off";
  const mins = Math.round(ms / 60_000);
  if (mins < 60) return `${mins} min`;
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  return [d && `${d} d`, h && `${h} h`, m && `${m} min`].filter(Boolean).join(" ");
}
