import { useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../../api/client";

export type Show = Schemas["LiveShowOutput"];
export type Stats = Schemas["LiveStatsOutput"];

/** The brand's shows, newest first (shows are public; the control room is for its staff). */
export function useBrandShows(brandId: number) {
  return useQuery({
    queryKey: ["workspace", "live", "shows", brandId],
    queryFn: () =>
      ok(api.GET("/api/v1/live/shows", { params: { query: { brand_id: brandId, limit: 100 } } })),
    select: (page) => page.results,
  });
}

export function useShow(showId: number) {
  return useQuery({
    queryKey: ["workspace", "live", "show", showId],
    queryFn: () =>
      ok(api.GET("/api/v1/live/shows/{show_id}", { params: { path: { show_id: showId } } })),
  });
}

/** The show's figures, read again every few seconds while it is live (orders and sales move
 * with every paid purchase; the room's own counters come from the socket). */
export function useStats(showId: number, live: boolean) {
  return useQuery({
    queryKey: ["workspace", "live", "stats", showId],
    queryFn: () =>
      ok(api.GET("/api/v1/live/shows/{show_id}/stats", { params: { path: { show_id: showId } } })),
    refetchInterval: live ? 3000 : false,
  });
}

/** Whether `username` runs this show's room without being a brand manager: its host or one of
 * its moderators. */
export function runsRoom(show: Show, username: string): boolean {
  return show.host.username === username || show.moderators.includes(username);
}
