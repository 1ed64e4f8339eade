import type { Schemas } from "../../api/client";

export type Source = Schemas["EntrySourceEnum"];
export const SOURCES: Source[] = [
  "chat_card",
  "qr",
  "official_account_menu",
  "search",
  "link",
  "recent",
];

export type EntryDay = { day: string; total: number } & Record<Source, number>;

/** One row per day (oldest first) with the visits of each entry source, for a stacked chart. */
export function entriesPerDay(stats: Schemas["MpEntryStatOutput"][]): EntryDay[] {
  const byDay = new Map<string, EntryDay>();
  for (const stat of stats) {
    let row = byDay.get(stat.day);
    if (!row) {
      row = {
        day: stat.day,
        total: 0,
        ...Object.fromEntries(SOURCES.map((s) => [s, 0])),
      } as EntryDay;
      byDay.set(stat.day, row);
    }
    row[stat.source] += stat.visits;
    row.total += stat.visits;
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}
