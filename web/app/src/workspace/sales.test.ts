import { describe, expect, it } from "vitest";
import { salesPerDay } from "./sales";

const order = (paid_at: string | null, amount: number, refunded = 0, currency = "EUR") => ({
  paid_at,
  total: { amount, currency },
  refunded: { amount: refunded },
});

describe("salesPerDay", () => {
  it("sums what was paid and kept per UTC day, zero-filled, oldest first", () => {
    const now = new Date("2026-03-10T15:00:00Z");
    const days = salesPerDay(
      [
        order("2026-03-10T01:00:00Z", 1000),
        order("2026-03-10T23:59:00Z", 500, 200),
        order("2026-03-08T12:00:00Z", 700),
        order(null, 9999), // unpaid
        order("2026-03-10T02:00:00Z", 300, 0, "USD"), // another currency
        order("2026-02-01T00:00:00Z", 400), // before the window
      ],
      "EUR",
      3,
      now,
    );
    expect(days).toEqual([
      { day: "2026-03-08", amount: 700 },
      { day: "2026-03-09", amount: 0 },
      { day: "2026-03-10", amount: 1300 },
    ]);
  });
});
