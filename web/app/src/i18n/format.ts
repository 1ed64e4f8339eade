/** Money, times and dates through Intl (CLIENT.md, Text): never string concatenation. */

const DECIMALS_FALLBACK = 2;

function minorUnitDigits(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? DECIMALS_FALLBACK
  );
}

/** `{amount: 1250, currency: "EUR"}` (minor units) → "€12.50" / "12.50 €" by locale. */
export function formatMoney(amount: number, currency: string, locale: string): string {
  const digits = minorUnitDigits(currency);
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(
    amount / 10 ** digits,
  );
}

/** "12.50" typed by a person → 1250 minor units; null when it is not a positive amount. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorUnitDigits(currency);
  const normalised = text.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(normalised)) return null;
  const [whole = "0", fraction = ""] = normalised.split(".");
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return minor > 0 ? minor : null;
}

/** Chat-list time: the clock today, the weekday this week, else the date. */
export function formatListTime(iso: string, locale: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const days = (startOfDay(now) - startOfDay(date)) / 86_400_000;
  if (days < 1) return new Intl.DateTimeFormat(locale, { timeStyle: "short" }).format(date);
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: "short" }).format(date);
  return new Intl.DateTimeFormat(locale, { dateStyle: "short" }).format(date);
}

export function formatDateTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}

/** "in 5 minutes" / "5分钟后": when a locked PIN unlocks. */
export function formatRelative(iso: string, locale: string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (Math.abs(seconds) < 60) return format.format(seconds, "second");
  if (Math.abs(seconds) < 3600) return format.format(Math.round(seconds / 60), "minute");
  return format.format(Math.round(seconds / 3600), "hour");
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** A recording's length: 3400 ms → "0:03" (m:ss, to the nearest second; a note shorter than
 * half a second still shows 0:01, nothing at all 0:00). */
export function formatDuration(milliseconds: number): string {
  const seconds = milliseconds > 0 ? Math.max(1, Math.round(milliseconds / 1000)) : 0;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A file's size in the locale's words: 1536 → "1.5 kB" / "1.5千字节". */
export function formatFileSize(bytes: number, locale: string): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: units[unit],
    unitDisplay: "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
