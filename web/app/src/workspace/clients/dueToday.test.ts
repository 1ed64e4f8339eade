import { describe, expect, it } from "vitest";
import { dueToday } from "./dueToday";

describe("dueToday", () => {
  const now = new Date(2026, 11, 6, 9, 0);
  const at = (day: number, hour: number) => new Date(2026, 11, day, hour, 0).toISOString();

  it("keeps open tasks due today or earlier, soonest first", () => {
    const tasks = [
      { id: 1, due_at: at(6, 18), done_at: null },
      { id: 2, due_at: at(7, 8), done_at: null },
      { id: 3, due_at: at(5, 10), done_at: null },
      { id: 4, due_at: at(6, 8), done_at: at(6, 8) },
    ];
    expect(dueToday(tasks, now).map((t) => t.id)).toEqual([3, 1]);
  });

  it("is empty when nothing is due", () => {
    expect(dueToday([{ due_at: at(8, 9) }], now)).toEqual([]);
  });
});
