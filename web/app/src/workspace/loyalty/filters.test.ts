import { describe, expect, it } from "vitest";
import { EMPTY_DRAFT, filtersOf, hasFilters } from "./filters";

const NOW = new Date("2026-12-06T15:30:00Z");

describe("filtersOf", () => {
  it("filters on nothing while every field is blank", () => {
    const filters = filtersOf(EMPTY_DRAFT, "EUR", NOW);
    expect(filters).toEqual({});
    expect(hasFilters(filters)).toBe(false);
  });

  it("reads money as minor units, ticked tiers sorted, and days back to midnight UTC", () => {
    const draft = {
      tiers: ["Silver", "Gold"],
      minSpend: "12.50",
      maxSpend: "1000",
      boughtWithinDays: "30",
    };
    expect(filtersOf(draft, "EUR", NOW)).toEqual({
      tiers: ["Gold", "Silver"],
      min_spend: 1250,
      max_spend: 100000,
      last_purchase_after: "2026-11-06T00:00:00.000Z",
    });
  });

  it("ignores what is not a positive amount or a whole number of days", () => {
    const draft = { tiers: [], minSpend: "abc", maxSpend: "-3", boughtWithinDays: "2.5" };
    expect(filtersOf(draft, "JPY", NOW)).toEqual({});
  });
});
