// Schedules as the server writes them: autostart is
// "CRON_TZ=<zone> <minute> <hour> * * <days>" (days 0 = Sunday … 6), TTLs
// and template timers are milliseconds. Forms edit days, a time of day and
// hours; these convert both ways.

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Cron's day numbers for WEEKDAYS. */
const cronDay: Record<Weekday, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

export interface Autostart {
  /** "HH:MM", 24-hour. */
  time: string;
  days: Weekday[];
  timezone: string;
}

/** Reads an autostart schedule; undefined for none or one this form cannot show. */
export function parseAutostart(cron: string | undefined): Autostart | undefined {
  if (!cron) return undefined;
  let rest = cron.trim();
  let timezone = "UTC";
  if (rest.startsWith("CRON_TZ=")) {
    const space = rest.indexOf(" ");
    if (space < 0) return undefined;
    timezone = rest.slice("CRON_TZ=".length, space);
    rest = rest.slice(space + 1).trim();
  }
  const fields = rest.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (dom !== "*" || month !== "*" || !/^\d+$/.test(min) || !/^\d+$/.test(hour)) return undefined;
  const numbers = parseDays(dow);
  if (!numbers) return undefined;
  const days = WEEKDAYS.filter((d) => numbers.has(cronDay[d]));
  return { time: `${hour.padStart(2, "0")}:${min.padStart(2, "0")}`, days, timezone };
}

function parseDays(field: string): Set<number> | undefined {
  const out = new Set<number>();
  if (field === "*") {
    for (let i = 0; i < 7; i++) out.add(i);
    return out;
  }
  for (const part of field.split(",")) {
    const m = /^(\d)(?:-(\d))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > 7 || to > 7 || to < from) return undefined;
    for (let i = from; i <= to; i++) out.add(i % 7); // 7 is Sunday too
  }
  return out;
}

/** Writes an autostart schedule (days in cron order, as a list). */
export function formatAutostart(a: Autostart): string {
  const [hour, minute] = a.time.split(":").map((n) => Number(n));
  const days = a.days.map((d) => cronDay[d]).sort((x, y) => x - y);
  const dow = days.length === 7 ? "*" : days.join(",");
  return `CRON_TZ=${a.timezone} ${minute ?? 0} ${hour ?? 0} * * ${dow}`;
}

/** A human reading of a schedule: "09:30 on Mon, Tue (Europe/Berlin)". */
export function describeAutostart(cron: string | undefined): string {
  const a = parseAutostart(cron);
  if (!a) return cron ? cron : "Off";
  const days = a.days.length === 7 ? "every day" : `on ${a.days.map((d) => d.slice(0, 1).toUpperCase() + d.slice(1, 3)).join(", ")}`;
  return `${a.time} ${days} (${a.timezone})`;
}

export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

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
