import { useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../../api/client";

export type ClientSummary = Schemas["ClientOutput"];
export type TimelineItem = Schemas["TimelineItemOutput"];

export const clientKeys = {
  all: (brandId: number) => ["workspace", "clients", brandId],
  list: (brandId: number, mine: boolean, q: string) => [
    "workspace",
    "clients",
    brandId,
    "list",
    mine,
    q,
  ],
  client: (brandId: number, clientId: number) => ["workspace", "clients", brandId, clientId],
  tasks: (brandId: number) => ["workspace", "clients", brandId, "tasks"],
  commission: (brandId: number) => ["workspace", "clients", brandId, "commission"],
};

const brandPath = (brandId: number) => ({ brand_id: brandId });
const clientPath = (brandId: number, clientId: number) => ({
  brand_id: brandId,
  client_id: clientId,
});

export function useClientList(brandId: number, mine: boolean, q: string) {
  return useQuery({
    queryKey: clientKeys.list(brandId, mine, q),
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/clients", {
          params: { path: brandPath(brandId), query: { mine, q } },
        }),
      ),
    select: (page) => page.results,
  });
}

export function useClient(brandId: number, clientId: number) {
  return useQuery({
    queryKey: clientKeys.client(brandId, clientId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}", {
          params: { path: clientPath(brandId, clientId) },
        }),
      ),
  });
}

export function useClientNotes(brandId: number, clientId: number) {
  return useQuery({
    queryKey: [...clientKeys.client(brandId, clientId), "notes"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/notes", {
          params: { path: clientPath(brandId, clientId) },
        }),
      ),
    select: (page) => page.results,
  });
}

export function useClientTimeline(brandId: number, clientId: number) {
  return useQuery({
    queryKey: [...clientKeys.client(brandId, clientId), "timeline"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/timeline", {
          params: { path: clientPath(brandId, clientId) },
        }),
      ),
    select: (page) => page.results,
  });
}

export function useMyTasks(brandId: number) {
  return useQuery({
    queryKey: clientKeys.tasks(brandId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/tasks", {
          params: { path: brandPath(brandId) },
        }),
      ),
    select: (page) => page.results,
  });
}

export function useMyCommission(brandId: number) {
  return useQuery({
    queryKey: clientKeys.commission(brandId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/commissions/mine", {
          params: { path: brandPath(brandId) },
        }),
      ),
    select: (summary) => summary.totals,
  });
}
