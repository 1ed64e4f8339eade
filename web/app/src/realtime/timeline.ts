/**
 * A conversation's timeline as the app shows it: confirmed messages in `seq` order, then the
 * user's pending sends. Pure functions, so the ordering and de-duplication rules are unit-tested.
 */
import type { Message } from "../api/client";

export interface PendingMessage {
  pending: true;
  client_msg_id: string;
  text: string;
  created_at: string;
  failed: boolean;
  /** A photo, voice note, video or file being sent: the file, its local preview (a blob: URL)
   * and upload 0…1. */
  attachment?: PendingAttachment;
}

export interface PendingAttachment {
  file: File;
  preview: string;
  progress: number;
}

export interface Timeline {
  messages: Message[];
  pending: PendingMessage[];
}

export const emptyTimeline: Timeline = { messages: [], pending: [] };

/** Adds or replaces messages by `seq` (a recall replaces the original), keeps `seq` order, and
 * drops the pending bubble whose `client_msg_id` the server echoed. Applying twice is a no-op. */
export function mergeMessages(timeline: Timeline, incoming: Message[]): Timeline {
  if (incoming.length === 0) return timeline;
  const bySeq = new Map(timeline.messages.map((m) => [m.seq, m]));
  for (const message of incoming) bySeq.set(message.seq, message);
  const echoed = new Set(incoming.map((m) => m.client_msg_id).filter(Boolean));
  return {
    messages: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
    pending: timeline.pending.filter((p) => !echoed.has(p.client_msg_id)),
  };
}

export function addPending(timeline: Timeline, pending: PendingMessage): Timeline {
  const confirmed = timeline.messages.some((m) => m.client_msg_id === pending.client_msg_id);
  const others = timeline.pending.filter((p) => p.client_msg_id !== pending.client_msg_id);
  return confirmed ? timeline : { ...timeline, pending: [...others, pending] };
}

export function markFailed(timeline: Timeline, clientMsgId: string): Timeline {
  return {
    ...timeline,
    pending: timeline.pending.map((p) =>
      p.client_msg_id === clientMsgId ? { ...p, failed: true } : p,
    ),
  };
}

export function setProgress(timeline: Timeline, clientMsgId: string, progress: number): Timeline {
  return {
    ...timeline,
    pending: timeline.pending.map((p) =>
      p.client_msg_id === clientMsgId && p.attachment
        ? { ...p, attachment: { ...p.attachment, progress } }
        : p,
    ),
  };
}

export function lastSeq(timeline: Timeline): number {
  return timeline.messages.at(-1)?.seq ?? 0;
}
