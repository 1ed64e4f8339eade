import { describe, expect, it } from "vitest";
import { entriesPerDay } from "./entries";

describe("entriesPerDay", () => {
  it("puts each day's visits per source in one row, oldest day first", () => {
    const rows = entriesPerDay([
      { day: "2026-03-02", source: "qr", visits: 3, users: 2 },
      { day: "2026-03-01", source: "search", visits: 1, users: 1 },
      { day: "2026-03-02", source: "chat_card", visits: 4, users: 4 },
    ]);
    expect(rows.map((r) => [r.day, r.total, r.qr, r.chat_card, r.search])).toEqual([
      ["2026-03-01", 1, 0, 0, 1],
      ["2026-03-02", 7, 3, 4, 0],
    ]);
  });

  it("draws nothing without visits", () => {
    expect(entriesPerDay([])).toEqual([]);
  });
});
