import { describe, expect, it } from "vitest";
import {
  clock,
  initialRoom,
  KEPT_COMMENTS,
  roomReducer,
  secondsUntil,
  type Deal,
  type RoomFrame,
} from "./room";

const deal: Deal = {
  id: 7,
  product_id: 3,
  sku_id: 4,
  price: { amount: 990, currency: "EUR" },
  quantity: 10,
  remaining: 10,
  per_buyer_limit: 1,
  keyword: "BUY",
  opens_at: "2026-12-06T10:00:10Z",
  closes_at: "2026-12-06T10:05:10Z",
};

const welcomeFrame: Extract<RoomFrame, { type: "welcome" }> = {
  type: "welcome",
  show: { id: 1, status: "scheduled", playback_url: "" },
  pinned: null,
  deal: null,
  likes: 5,
  viewers: 2,
  comments: [],
  you: { id: 9, staff: false, muted: false },
};

const welcome = roomReducer(initialRoom, welcomeFrame);

function comment(id: string) {
  return { id, user: { id: 1, name: "Ann" }, text: id, at: "2026-12-06T10:00:00Z" };
}

describe("roomReducer", () => {
  it("joins from the welcome frame", () => {
    expect(welcome).toMatchObject({ joined: true, status: "scheduled", likes: 5, viewers: 2 });
  });

  it("goes live with the playback URL the waiting room was told", () => {
    const state = roomReducer(welcome, {
      type: "tick",
      comments: [],
      likes: 5,
      viewers: 3,
      events: [{ type: "show_live", playback_url: "http://m/hls/show-1.m3u8" }],
    });
    expect(state.status).toBe("live");
    expect(state.playbackUrl).toBe("http://m/hls/show-1.m3u8");
    expect(state.viewers).toBe(3);
  });

  it("keeps each comment once (one's own may come twice) and only the latest ones", () => {
    let state = roomReducer(welcome, {
      type: "tick",
      comments: [comment("a"), comment("b")],
      likes: 5,
      viewers: 2,
      events: [],
    });
    state = roomReducer(state, {
      type: "tick",
      comments: [comment("b"), comment("c")],
      likes: 6,
      viewers: 2,
      events: [{ type: "comment_removed", id: "a" }],
    });
    expect(state.comments.map((c) => c.id)).toEqual(["b", "c"]);
    const many = Array.from({ length: KEPT_COMMENTS + 5 }, (_, i) => comment(`m${i}`));
    state = roomReducer(state, { type: "tick", comments: many, likes: 6, viewers: 2, events: [] });
    expect(state.comments).toHaveLength(KEPT_COMMENTS);
    expect(state.comments.at(-1)?.id).toBe(`m${KEPT_COMMENTS + 4}`);
  });

  it("starts from the latest comments the welcome carries, and a rejoin's welcome adds only new ones", () => {
    const joined = roomReducer(initialRoom, {
      ...welcomeFrame,
      comments: [comment("a"), comment("b")],
    });
    expect(joined.comments.map((c) => c.id)).toEqual(["a", "b"]);
    const rejoined = roomReducer(joined, {
      ...welcomeFrame,
      comments: [comment("b"), comment("c")],
    });
    expect(rejoined.comments.map((c) => c.id)).toEqual(["a", "b", "c"]);
  });

  it("never lowers the like total on an older tick", () => {
    const state = roomReducer(welcome, {
      type: "tick",
      comments: [],
      likes: 3,
      viewers: 2,
      events: [],
    });
    expect(state.likes).toBe(5);
  });

  it("follows the pin and the deal, and forgets both when the show ends", () => {
    let state = roomReducer(welcome, {
      type: "tick",
      comments: [],
      likes: 5,
      viewers: 2,
      events: [
        { type: "pinned", product: { id: 3, title: "Mug", image: "" } },
        { type: "deal_started", deal },
        { type: "deal_remaining", deal_id: 7, remaining: 4 },
        { type: "deal_remaining", deal_id: 99, remaining: 0 },
      ],
    });
    expect(state.pinned?.title).toBe("Mug");
    expect(state.deal?.remaining).toBe(4);
    state = roomReducer(state, { type: "checkout_card", deal, quantity: 1 });
    expect(state.checkout?.quantity).toBe(1);
    state = roomReducer(state, {
      type: "tick",
      comments: [],
      likes: 5,
      viewers: 0,
      events: [{ type: "show_ended" }],
    });
    expect(state).toMatchObject({ status: "ended", pinned: null, deal: null, checkout: null });
  });
});

describe("a refused comment's error", () => {
  const refused = roomReducer(welcome, { type: "error", code: "muted" });

  it("shows until the person sends another comment", () => {
    expect(refused.error).toBe("muted");
    expect(roomReducer(refused, { type: "comment_sent" }).error).toBeNull();
  });

  it("comes back when the next comment is refused too", () => {
    const again = roomReducer(roomReducer(refused, { type: "comment_sent" }), {
      type: "error",
      code: "muted",
    });
    expect(again.error).toBe("muted");
  });
});

describe("the socket closing", () => {
  it("leaves the room, and ends the show when it closed as ended", () => {
    expect(roomReducer(welcome, { type: "closed", code: 1006 })).toMatchObject({
      joined: false,
      status: "scheduled",
    });
    expect(roomReducer(welcome, { type: "closed", code: 4410 })).toMatchObject({
      joined: false,
      status: "ended",
    });
  });
});

describe("time", () => {
  it("counts down whole seconds", () => {
    const now = Date.parse("2026-12-06T10:00:00Z");
    expect(secondsUntil(deal.opens_at, now)).toBe(10);
    expect(secondsUntil(deal.opens_at, now + 9_500)).toBe(1);
    expect(secondsUntil(deal.opens_at, now + 11_000)).toBe(-1);
  });

  it("writes video positions as a clock", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(75.9)).toBe("1:15");
    expect(clock(3725)).toBe("1:02:05");
  });
});

describe("an undone removal", () => {
  const withTwo = roomReducer(welcome, {
    type: "tick",
    comments: [
      { ...comment("a"), at: "2026-12-06T10:00:01Z" },
      { ...comment("c"), at: "2026-12-06T10:00:03Z" },
    ],
    likes: 5,
    viewers: 2,
    events: [],
  });

  it("puts the comment back in its place by time", () => {
    const restored = roomReducer(withTwo, {
      type: "tick",
      comments: [],
      likes: 5,
      viewers: 2,
      events: [
        {
          type: "comment_restored",
          id: "b",
          comment: { ...comment("b"), at: "2026-12-06T10:00:02Z" },
        },
      ],
    });
    expect(restored.comments.map((c) => c.id)).toEqual(["a", "b", "c"]);
  });

  it("changes nothing when the comment is still shown or was never stored", () => {
    for (const event of [
      { type: "comment_restored" as const, id: "a", comment: comment("a") },
      { type: "comment_restored" as const, id: "z", comment: null },
    ]) {
      const after = roomReducer(withTwo, {
        type: "tick",
        comments: [],
        likes: 5,
        viewers: 2,
        events: [event],
      });
      expect(after.comments.map((c) => c.id)).toEqual(["a", "c"]);
    }
  });
});
