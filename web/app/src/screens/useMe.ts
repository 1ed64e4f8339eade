import { useQuery } from "@tanstack/react-query";
import { api, ok } from "../api/client";

export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: () => ok(api.GET("/api/v1/me")),
    staleTime: 60_000,
  });
}
