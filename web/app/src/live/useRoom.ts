import { useCallback, useEffect, useReducer, useRef } from "react";
import { api, ok } from "../api/client";
import { initialRoom, roomReducer, type RoomFrame } from "./room";

/** Close codes after which the room is not rejoined (docs/live.md): no token, banned, no such
 * show, ended. */
const FINAL_CLOSES = new Set([4401, 4403, 4404, 4410]);

/** The room socket `/ws/live/<id>/` with a single-use ticket (never the token in the URL);
 * reconnects with a growing delay unless the server closed it for good. */
export function useRoom(showId: number, enabled: boolean) {
  const [state, dispatch] = useReducer(roomReducer, initialRoom);
  const socket = useRef<WebSocket | null>(null);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    async function open() {
      let ticket;
      try {
        ticket = await ok(api.POST("/api/v1/realtime/tickets"));
      } catch {
        schedule();
        return;
      }
      if (stopped) return;
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(
        `${scheme}://${window.location.host}/ws/live/${showId}/?ticket=${ticket.ticket}`,
      );
      socket.current = ws;
      ws.onmessage = (message) => {
        attempt = 0;
        dispatch(JSON.parse(String(message.data)) as RoomFrame);
      };
      ws.onclose = (close) => {
        if (socket.current === ws) socket.current = null;
        dispatch({ type: "closed", code: close.code });
        if (!stopped && close.code !== 1000 && !FINAL_CLOSES.has(close.code)) schedule();
      };
    }
    function schedule() {
      attempt += 1;
      retry = setTimeout(() => void open(), Math.min(30_000, 500 * 2 ** attempt));
    }
    void open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket.current?.close(1000);
      socket.current = null;
    };
  }, [showId, enabled]);

  const send = useCallback((frame: { type: "comment"; text: string } | { type: "like" }) => {
    const ws = socket.current;
    if (ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame.type === "like" ? { type: "like", count: 1 } : frame));
    if (frame.type === "comment") dispatch({ type: "comment_sent" });
    return true;
  }, []);

  return { room: state, send };
}
