const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];
const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 minutes ago", "in 2 hours", "just now"; "never" for an empty or zero time. */
export function relativeTime(iso: string | undefined, now: number = Date.now()): string {
  if (!iso || iso.startsWith("0001-")) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "never";
  const secs = Math.round((t - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(secs) >= size) return rtf.format(Math.trunc(secs / size), unit);
  }
  return "just now";
}

export function absoluteTime(iso: string | undefined): string {
  if (!iso || iso.startsWith("0001-")) return "";
  return new Date(iso).toLocaleString();
}

/** "1m 5s" for a build or job that took that long. */
export function duration(fromIso?: string, toIso?: string): string {
  if (!fromIso || !toIso) return "";
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!(ms >= 0)) return "";
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
