import { describe, expect, it } from "vitest";
import {
  formatDuration,
  formatFileSize,
  formatListTime,
  formatMoney,
  formatRelative,
  parseMoney,
} from "./format";
import { en } from "./en";
import { zhCN } from "./zh-CN";

describe("money", () => {
  it("formats minor units by currency and locale", () => {
    expect(formatMoney(1250, "EUR", "en")).toBe("€12.50");
    expect(formatMoney(1250, "CNY", "zh-CN")).toBe("¥12.50");
    expect(formatMoney(-500, "USD", "en")).toBe("-$5.00");
  });

  it("parses what a person types into minor units", () => {
    expect(parseMoney("12.5", "EUR")).toBe(1250);
    expect(parseMoney("12,50", "EUR")).toBe(1250);
    expect(parseMoney("10", "EUR")).toBe(1000);
    expect(parseMoney("0", "EUR")).toBeNull();
    expect(parseMoney("1.234", "EUR")).toBeNull();
    expect(parseMoney("abc", "EUR")).toBeNull();
  });
});

describe("times", () => {
  const now = new Date(2026, 11, 6, 15, 0);
  it("shows the clock today, the weekday this week and the date before", () => {
    expect(formatListTime(new Date(2026, 11, 6, 9, 5).toISOString(), "en", now)).toMatch(/9:05/);
    expect(formatListTime(new Date(2026, 11, 3, 9, 5).toISOString(), "en", now)).toBe("Thu");
    expect(formatListTime(new Date(2026, 10, 1).toISOString(), "en", now)).toBe("11/1/26");
  });

  it("says when a locked PIN unlocks in the reader's language", () => {
    const later = new Date(now.getTime() + 5 * 60_000).toISOString();
    expect(formatRelative(later, "en", now)).toBe("in 5 minutes");
    expect(formatRelative(later, "zh-CN", now)).toBe("5分钟后");
  });
});

describe("media", () => {
  it("shows a recording's length as m:ss, never 0:00 for a short note", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(300)).toBe("0:01");
    expect(formatDuration(2100)).toBe("0:02");
    expect(formatDuration(3000)).toBe("0:03");
    expect(formatDuration(61_500)).toBe("1:02");
  });

  it("shows a file's size in the reader's units", () => {
    expect(formatFileSize(900, "en")).toBe("900 byte");
    expect(formatFileSize(1536, "en")).toBe("1.5 kB");
    expect(formatFileSize(5 * 1024 * 1024, "en")).toBe("5 MB");
  });
});

describe("translations", () => {
  function keys(tree: object, prefix = ""): string[] {
    return Object.entries(tree).flatMap(([key, value]) =>
      typeof value === "object" ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
    );
  }
  it("Simplified Chinese has every English string, none left empty", () => {
    expect(keys(zhCN)).toEqual(keys(en));
    expect(keys(zhCN).length).toBeGreaterThan(150);
  });
});
