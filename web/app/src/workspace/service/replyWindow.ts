/**
 * What is left of a conversation's reply window (the WeChat rule: a few replies within 48 hours
 * of the follower's last message), as the reply box shows it.
 */
export interface ReplyWindow {
  open: boolean;
  /** Whole hours until the window closes (0 when closed or under an hour). */
  hours: number;
  minutes: number;
  replies: number;
  /** Why the box is disabled: the time ran out, the replies ran out, or the follower never wrote. */
  closedBecause: "expired" | "no_replies" | "never_opened" | null;
}

export function replyWindow(
  conversation: { window_open: boolean; window_closes_at: string | null; replies_left: number },
  now: Date,
): ReplyWindow {
  const closesAt = conversation.window_closes_at ? new Date(conversation.window_closes_at) : null;
  const left = closesAt ? Math.max(0, closesAt.getTime() - now.getTime()) : 0;
  const minutesLeft = Math.floor(left / 60_000);
  const open = conversation.window_open && left > 0 && conversation.replies_left > 0;
  let closedBecause: ReplyWindow["closedBecause"] = null;
  if (!open) {
    if (!closesAt) closedBecause = "never_opened";
    else if (left === 0) closedBecause = "expired";
    else closedBecause = "no_replies";
  }
  return {
    open,
    hours: open ? Math.floor(minutesLeft / 60) : 0,
    minutes: open ? minutesLeft % 60 : 0,
    replies: open ? conversation.replies_left : 0,
    closedBecause,
  };
}
