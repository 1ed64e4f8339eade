import { describe, expect, it } from "vitest";
import { runsRoom, type Show } from "./useLive";

const show = {
  host: { id: 1, username: "sam", display_name: "Sam" },
  moderators: ["mo"],
} as Show;

describe("runsRoom", () => {
  it("is true for the host and the moderators, false for other members", () => {
    expect(runsRoom(show, "sam")).toBe(true);
    expect(runsRoom(show, "mo")).toBe(true);
    expect(runsRoom(show, "olive")).toBe(false);
  });
});
