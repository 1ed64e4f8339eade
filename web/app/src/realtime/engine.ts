/**
 * One socket per tab (CLIENT.md, Realtime). It opens `/ws/?ticket=…` with a single-use ticket,
 * applies each event of the user's log once and in order to the query cache, and after any
 * reconnect (or a gap in cursors) pulls what it missed from `GET /sync?cursor=` before applying
 * anything newer. Its status (online / reconnecting / offline) is shown by the app.
 */
import type { QueryClient } from "@tanstack/react-query";
import { api, ok, type Message } from "../api/client";
import { fresh, judge, type UserEvent } from "./cursor";
import { emptyTimeline, mergeMessages, type Timeline } from "./timeline";

export type ConnectionStatus = "connecting" | "online" | "reconnecting" | "offline";

const PING_MS = 25_000;
const MAX_BACKOFF_MS = 10_000;

export const timelineKey = (conversationId: number) => ["timeline", conversationId] as const;

export function applyEvent(queryClient: QueryClient, event: UserEvent): void {
  if (event.type === "message.created" || event.type === "message.recalled") {
    const message = event.message as Message;
    queryClient.setQueryData<Timeline>(timelineKey(message.conversation_id), (timeline) =>
      mergeMessages(timeline ?? emptyTimeline, [message]),
    );
    void queryClient.invalidateQueries({ queryKey: ["conversations"] });
  } else if (event.type.startsWith("conversation.")) {
    void queryClient.invalidateQueries({ queryKey: ["conversations"] });
    void queryClient.invalidateQueries({ queryKey: ["conversation"] });
  } else if (event.type.startsWith("contact")) {
    void queryClient.invalidateQueries({ queryKey: ["contacts"] });
  } else if (event.type.startsWith("official.")) {
    void queryClient.invalidateQueries({ queryKey: ["official"] });
  } else if (/^(wallet|payment|transfer|red_packet)/.test(event.type)) {
    void queryClient.invalidateQueries({ queryKey: ["wallet"] });
  } else if (event.type.startsWith("moment")) {
    void queryClient.invalidateQueries({ queryKey: ["moments"] });
  }
}

export class RealtimeEngine {
  status: ConnectionStatus = "connecting";
  private cursor: number | null = null;
  private socket: WebSocket | null = null;
  private syncing = false;
  private buffered: UserEvent[] = [];
  private attempts = 0;
  private stopped = false;
  private timers: number[] = [];
  private listeners = new Set<() => void>();

  constructor(private readonly queryClient: QueryClient) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getStatus = () => this.status;

  start(): void {
    this.stopped = false;
    window.addEventListener("online", this.reconnectNow);
    window.addEventListener("offline", this.wentOffline);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.reconnectNow);
    window.removeEventListener("offline", this.wentOffline);
    this.timers.forEach((t) => window.clearTimeout(t));
    this.socket?.close(1000);
    this.socket = null;
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.listeners.forEach((listener) => listener());
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let ticket;
    try {
      ticket = await ok(api.POST("/api/v1/realtime/tickets"));
    } catch {
      this.retryLater();
      return;
    }
    if (this.stopped) return;
    this.cursor ??= ticket.cursor;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws/?ticket=${ticket.ticket}`);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.setStatus("online");
      void this.resync();
      this.keepAlive(socket);
    };
    socket.onmessage = (frame) => this.receive(JSON.parse(String(frame.data)) as UserEvent);
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      this.retryLater();
    };
  }

  private keepAlive(socket: WebSocket): void {
    const timer = window.setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      else window.clearInterval(timer);
    }, PING_MS);
    this.timers.push(timer);
  }

  private retryLater(): void {
    this.setStatus(navigator.onLine ? "reconnecting" : "offline");
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts++);
    this.timers.push(window.setTimeout(() => void this.connect(), delay));
  }

  private reconnectNow = () => {
    if (this.socket) return;
    this.attempts = 0;
    void this.connect();
  };

  private wentOffline = () => {
    this.setStatus("offline");
    this.socket?.close();
  };

  private receive(event: UserEvent): void {
    if (event.type === "pong" || event.type === "error") return;
    if (this.syncing) {
      this.buffered.push(event);
      return;
    }
    const verdict = judge(this.cursor ?? 0, event);
    if (verdict === "gap") void this.resync();
    else if (verdict !== "duplicate") this.apply(event);
  }

  private apply(event: UserEvent): void {
    if (typeof event.cursor === "number") this.cursor = event.cursor;
    applyEvent(this.queryClient, event);
  }

  /** Pulls every event after the cursor, page by page, then what arrived meanwhile. */
  private async resync(): Promise<void> {
    if (this.syncing || this.cursor === null) return;
    this.syncing = true;
    try {
      let hasMore = true;
      while (hasMore) {
        const page = await ok(
          api.GET("/api/v1/sync", { params: { query: { cursor: this.cursor } } }),
        );
        const next = fresh(this.cursor, page.events as UserEvent[]);
        next.events.forEach((event) => this.apply(event));
        hasMore = page.has_more && next.events.length > 0;
      }
    } catch {
      this.socket?.close();
    } finally {
      this.syncing = false;
    }
    const waiting = this.buffered;
    this.buffered = [];
    waiting.forEach((event) => this.receive(event));
  }
}
