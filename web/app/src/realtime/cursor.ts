/**
 * Applying the user's event log exactly once, in order (CLIENT.md, Realtime). Events carry a
 * per-user `cursor` that increases by one. The socket may deliver an event twice (after a
 * resync) or skip some (while disconnected): a duplicate is dropped, a gap asks for a sync.
 */
export interface UserEvent {
  type: string;
  cursor?: number;
  [key: string]: unknown;
}

export type Verdict = "apply" | "duplicate" | "gap" | "unsequenced";

export function judge(cursor: number, event: UserEvent): Verdict {
  if (typeof event.cursor !== "number") return "unsequenced";
  if (event.cursor <= cursor) return "duplicate";
  return event.cursor === cursor + 1 ? "apply" : "gap";
}

/** The events of a sync page that are new, in cursor order, and the cursor after them. */
export function fresh(
  cursor: number,
  events: UserEvent[],
): { events: UserEvent[]; cursor: number } {
  const sorted = [...events].sort((a, b) => (a.cursor ?? 0) - (b.cursor ?? 0));
  const kept = sorted.filter((e) => typeof e.cursor === "number" && e.cursor > cursor);
  return { events: kept, cursor: kept.at(-1)?.cursor ?? cursor };
}
