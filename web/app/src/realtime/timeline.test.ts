import { describe, expect, it } from "vitest";
import type { Message } from "../api/client";
import {
  addPending,
  emptyTimeline,
  lastSeq,
  markFailed,
  mergeMessages,
  setProgress,
} from "./timeline";
import { fresh, judge } from "./cursor";

function message(seq: number, text = `m${seq}`, clientMsgId = `c${seq}`): Message {
  return {
    id: seq,
    conversation_id: 1,
    seq,
    type: "text",
    text,
    payload: {},
    sender: { id: 1, username: "ana", display_name: "Ana" },
    client_msg_id: clientMsgId,
    mentions: [],
    mentions_all: false,
    recalled: false,
    created_at: "2026-12-06T00:00:00Z",
  };
}

const pending = (id: string) => ({
  pending: true as const,
  client_msg_id: id,
  text: "hi",
  created_at: "2026-12-06T00:00:00Z",
  failed: false,
});

describe("timeline", () => {
  it("keeps messages in seq order whatever order they arrive in, once each", () => {
    let timeline = mergeMessages(emptyTimeline, [message(3), message(1)]);
    timeline = mergeMessages(timeline, [message(2), message(3)]);
    expect(timeline.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(lastSeq(timeline)).toBe(3);
  });

  it("replaces the pending bubble when its echo arrives", () => {
    let timeline = addPending(emptyTimeline, pending("abc"));
    expect(timeline.pending).toHaveLength(1);
    timeline = mergeMessages(timeline, [message(7, "hi", "abc")]);
    expect(timeline.pending).toHaveLength(0);
    expect(timeline.messages.map((m) => m.client_msg_id)).toEqual(["abc"]);
  });

  it("never re-adds a pending bubble whose echo came first (socket before POST answer)", () => {
    const echoed = mergeMessages(emptyTimeline, [message(7, "hi", "abc")]);
    expect(addPending(echoed, pending("abc")).pending).toEqual([]);
  });

  it("a retry keeps one pending bubble and a failure marks it", () => {
    let timeline = addPending(emptyTimeline, pending("abc"));
    timeline = markFailed(timeline, "abc");
    expect(timeline.pending[0]?.failed).toBe(true);
    timeline = addPending(timeline, pending("abc"));
    expect(timeline.pending).toHaveLength(1);
    expect(timeline.pending[0]?.failed).toBe(false);
  });

  it("a photo's upload progress moves only its own bubble, and its echo replaces it", () => {
    const attachment = { file: new File(["x"], "a.png"), preview: "blob:a", progress: 0 };
    let timeline = addPending(
      addPending(emptyTimeline, { ...pending("p"), attachment }),
      pending("t"),
    );
    timeline = setProgress(timeline, "p", 0.5);
    expect(timeline.pending.map((p) => p.attachment?.progress)).toEqual([0.5, undefined]);
    timeline = mergeMessages(timeline, [{ ...message(3, "", "p"), type: "image" }]);
    expect(timeline.pending.map((p) => p.client_msg_id)).toEqual(["t"]);
  });

  it("a recall replaces the message at its seq", () => {
    const recalled = { ...message(2), recalled: true, text: "" };
    const timeline = mergeMessages(mergeMessages(emptyTimeline, [message(2)]), [recalled]);
    expect(timeline.messages).toEqual([recalled]);
  });
});

describe("cursor", () => {
  it("applies the next event, drops duplicates and detects gaps", () => {
    expect(judge(4, { type: "x", cursor: 5 })).toBe("apply");
    expect(judge(4, { type: "x", cursor: 4 })).toBe("duplicate");
    expect(judge(4, { type: "x", cursor: 2 })).toBe("duplicate");
    expect(judge(4, { type: "x", cursor: 7 })).toBe("gap");
    expect(judge(4, { type: "official.broadcast" })).toBe("unsequenced");
  });

  it("a sync page yields only new events, in order, and the cursor after them", () => {
    const page = [3, 5, 4, 2].map((cursor) => ({ type: "x", cursor }));
    const result = fresh(3, page);
    expect(result.events.map((e) => e.cursor)).toEqual([4, 5]);
    expect(result.cursor).toBe(5);
    expect(fresh(9, page)).toEqual({ events: [], cursor: 9 });
  });
});
