/** The live room's state, folded from the room socket's frames (docs/live.md, "The room"). The
 * socket frames are not part of the REST schema, so their shapes are declared here. */

export interface Money {
  amount: number;
  currency: string;
}

export interface PinnedProduct {
  id: number;
  title: string;
  image: string;
}

export interface Deal {
  id: number;
  product_id: number;
  sku_id: number;
  price: Money;
  quantity: number;
  remaining: number;
  per_buyer_limit: number;
  keyword: string;
  opens_at: string;
  closes_at: string;
}

export interface RoomComment {
  id: string;
  user: { id: number; name: string };
  text: string;
  at: string;
}

export interface CheckoutCard {
  deal: Deal;
  quantity: number;
}

export type RoomEvent =
  | { type: "pinned"; product: PinnedProduct | null }
  | { type: "deal_started"; deal: Deal }
  | { type: "deal_remaining"; deal_id: number; remaining: number }
  | { type: "comment_removed"; id: string }
  | { type: "comment_restored"; id: string; comment: RoomComment | null }
  | { type: "show_live"; playback_url: string }
  | { type: "show_ended" };

export type RoomFrame =
  | {
      type: "welcome";
      show: { id: number; status: string; playback_url: string };
      pinned: PinnedProduct | null;
      deal: Deal | null;
      likes: number;
      viewers: number;
      /** The latest comments every viewer was shown, oldest first. */
      comments: RoomComment[];
      you: { id: number; staff: boolean; muted: boolean };
    }
  | {
      type: "tick";
      comments: RoomComment[];
      likes: number;
      viewers: number;
      events: RoomEvent[];
    }
  | ({ type: "checkout_card" } & CheckoutCard)
  | { type: "error"; code: string }
  | { type: "pong" };

export interface RoomState {
  joined: boolean;
  status: string | null;
  playbackUrl: string;
  pinned: PinnedProduct | null;
  deal: Deal | null;
  likes: number;
  viewers: number;
  comments: RoomComment[];
  checkout: CheckoutCard | null;
  error: string | null;
}

/** How many comments the overlay keeps (older ones scroll away). */
export const KEPT_COMMENTS = 50;

export const initialRoom: RoomState = {
  joined: false,
  status: null,
  playbackUrl: "",
  pinned: null,
  deal: null,
  likes: 0,
  viewers: 0,
  comments: [],
  checkout: null,
  error: null,
};

function applyEvent(state: RoomState, event: RoomEvent): RoomState {
  switch (event.type) {
    case "pinned":
      return { ...state, pinned: event.product };
    case "deal_started":
      return { ...state, deal: event.deal };
    case "deal_remaining":
      return state.deal?.id === event.deal_id
        ? { ...state, deal: { ...state.deal, remaining: event.remaining } }
        : state;
    case "comment_removed":
      return { ...state, comments: state.comments.filter((c) => c.id !== event.id) };
    case "comment_restored": {
      // An undone removal: the comment goes back in its place by time (if it was stored).
      const back = event.comment;
      if (!back || state.comments.some((c) => c.id === back.id)) return state;
      const comments = [...state.comments, back].sort((a, b) => a.at.localeCompare(b.at));
      return { ...state, comments: comments.slice(-KEPT_COMMENTS) };
    }
    case "show_live":
      return { ...state, status: "live", playbackUrl: event.playback_url };
    case "show_ended":
      return { ...state, status: "ended", deal: null, pinned: null, checkout: null };
  }
}

/** The comments kept, then the incoming ones not kept yet (one's own may come twice, and a
 * rejoin's welcome repeats what was shown), the latest `KEPT_COMMENTS`. */
function withComments(kept: RoomComment[], incoming: RoomComment[]): RoomComment[] {
  const seen = new Set(kept.map((c) => c.id));
  return [...kept, ...incoming.filter((c) => !seen.has(c.id))].slice(-KEPT_COMMENTS);
}

/** What changes the room's state: a frame from the server, the socket closing, or the person
 * sending a comment (which clears the last refusal: a refused one sends its error again). */
export type RoomAction = RoomFrame | { type: "closed"; code: number } | { type: "comment_sent" };

export function roomReducer(state: RoomState, frame: RoomAction): RoomState {
  switch (frame.type) {
    case "closed":
      return { ...state, joined: false, status: frame.code === 4410 ? "ended" : state.status };
    case "comment_sent":
      return state.error === null ? state : { ...state, error: null };
    case "welcome":
      return {
        ...state,
        joined: true,
        status: frame.show.status,
        playbackUrl: frame.show.playback_url,
        pinned: frame.pinned,
        deal: frame.deal,
        likes: frame.likes,
        viewers: frame.viewers,
        comments: withComments(state.comments, frame.comments),
        error: null,
      };
    case "tick": {
      const next = {
        ...state,
        likes: Math.max(state.likes, frame.likes),
        viewers: frame.viewers,
        comments: withComments(state.comments, frame.comments),
      };
      return frame.events.reduce(applyEvent, next);
    }
    case "checkout_card":
      return { ...state, checkout: { deal: frame.deal, quantity: frame.quantity } };
    case "error":
      return { ...state, error: frame.code };
    case "pong":
      return state;
  }
}

/** Seconds until `iso` (negative once past), for the deal's countdown. */
export function secondsUntil(iso: string, now: number): number {
  return Math.ceil((Date.parse(iso) - now) / 1000);
}

/** `m:ss` (or `h:mm:ss`) for a position in a video. */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
