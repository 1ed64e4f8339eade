import { describe, expect, it } from "vitest";
import { replyWindow } from "./replyWindow";

const now = new Date("2026-12-06T12:00:00Z");

describe("replyWindow", () => {
  it("counts the hours and replies left while the window is open", () => {
    const window = replyWindow(
      { window_open: true, window_closes_at: "2026-12-07T20:30:00Z", replies_left: 4 },
      now,
    );
    expect(window).toEqual({ open: true, hours: 32, minutes: 30, replies: 4, closedBecause: null });
  });

  it("is closed once the time has run out, even if the server said open a moment ago", () => {
    const window = replyWindow(
      { window_open: true, window_closes_at: "2026-12-06T11:59:00Z", replies_left: 5 },
      now,
    );
    expect(window.open).toBe(false);
    expect(window.closedBecause).toBe("expired");
    expect(window.hours).toBe(0);
  });

  it("is closed when the replies are used up", () => {
    const window = replyWindow(
      { window_open: false, window_closes_at: "2026-12-07T12:00:00Z", replies_left: 0 },
      now,
    );
    expect(window.closedBecause).toBe("no_replies");
  });

  it("was never open for a conversation the follower did not start", () => {
    const window = replyWindow(
      { window_open: false, window_closes_at: null, replies_left: 0 },
      now,
    );
    expect(window.closedBecause).toBe("never_opened");
  });
});
