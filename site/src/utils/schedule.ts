// Autostart schedules as the server stores them:
// "CRON_TZ=<tz> <minute> <hour> * * <days of week>" (0 or 7 is Sunday).

export interface Autostart {
  timezone: string;
  /** "HH:MM", 24-hour. */
  time: string;
  /** Days of the week, 0 (Sunday) to 6. */
  days: number[];
}

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function parseAutostart(schedule: string | undefined): Autostart | undefined {
  if (!schedule) return undefined;
  let rest = schedule.trim();
  let timezone = "UTC";
  const tz = /^CRON_TZ=(\S+)\s+/.exec(rest);
  if (tz) {
    timezone = tz[1]!;
    rest = rest.slice(tz[0].length);
  }
  const [minute, hour, , , dow] = rest.split(/\s+/);
  const m = Number(minute);
  const h = Number(hour);
  if (!Number.isInteger(m) || !Number.isInteger(h) || dow === undefined) return undefined;
  return { timezone, time: `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`, days: parseDays(dow) };
}

function parseDays(field: string): number[] {
  if (field === "*") return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of field.split(",")) {
    const [a, b] = part.split("-").map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let d = a; d <= (b ?? a); d++) days.add(d % 7);
  }
  return [...days].sort((x, y) => x - y);
}

export function formatAutostart({ timezone, time, days }: Autostart): string {
  const [h, m] = time.split(":").map(Number);
  const sorted = [...new Set(days)].sort((x, y) => x - y);
  const dow = sorted.length === 7 ? "*" : sorted.join(",");
  return `CRON_TZ=${timezone} ${m ?? 0} ${h ?? 0} * * ${dow}`;
}

export function describeAutostart(a: Autostart): string {
  const days = a.days.length === 7 ? "every day" : a.days.map((d) => WEEKDAYS[d]!.slice(0, 3)).join(", ");
  return `${a.time} ${days} (${a.timezone})`;
}
