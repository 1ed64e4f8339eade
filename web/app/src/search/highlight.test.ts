import { describe, expect, it } from "vitest";
import { segments } from "./highlight";

describe("segments", () => {
  it("marks the offset ranges and keeps the rest plain", () => {
    expect(segments({ text: "Bus at 8!", highlights: [[0, 3]] })).toEqual([
      { text: "Bus", marked: true },
      { text: " at 8!", marked: false },
    ]);
  });

  it("counts characters as the server does, not UTF-16 units", () => {
    expect(segments({ text: "🎉 北京天安门", highlights: [[4, 7]] })).toEqual([
      { text: "🎉 北京", marked: false },
      { text: "天安门", marked: true },
    ]);
  });

  it("clips overlapping and out-of-range offsets", () => {
    expect(
      segments({
        text: "scarf",
        highlights: [
          [3, 9],
          [0, 2],
          [1, 4],
        ],
      }),
    ).toEqual([
      { text: "sc", marked: true },
      { text: "ar", marked: true },
      { text: "f", marked: true },
    ]);
  });

  it("leaves text without highlights whole, markup included", () => {
    expect(segments({ text: "<b>hi</b>", highlights: [] })).toEqual([
      { text: "<b>hi</b>", marked: false },
    ]);
  });
});
