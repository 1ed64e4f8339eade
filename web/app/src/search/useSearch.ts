import { useEffect, useState } from "react";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../api/client";

export type SearchResult = Schemas["SearchResult"];
export type SearchKind = Schemas["SearchKindEnum"];
export type SearchGroup = Schemas["SearchGroup"];

export const SEARCH_KINDS: readonly SearchKind[] = [
  "contacts",
  "people",
  "conversations",
  "messages",
  "official_accounts",
  "articles",
  "miniprograms",
  "products",
  "live_shows",
];

const DEBOUNCE_MS = 250;
const PAGE = 20;

/** `value` once it has stopped changing for `delay` ms. */
export function useDebounced<T>(value: T, delay = DEBOUNCE_MS): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** The server refuses a query with no letter or digit; don't ask it. */
export function searchable(q: string): boolean {
  return /[\p{L}\p{N}]/u.test(q);
}

/** The best few of every kind, as suggestions while typing. Passing TanStack's `signal` to the
 * request aborts it when a newer query replaces it. */
export function useSearchGroups(q: string) {
  return useQuery<SearchGroup[]>({
    queryKey: ["search", "groups", q],
    enabled: searchable(q),
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      ok(api.GET("/api/v1/search", { params: { query: { q } }, signal })).then((a) => a.groups),
  });
}

/** Every result of one kind, a page at a time. */
export function useSearchKind(q: string, kind: SearchKind) {
  return useInfiniteQuery({
    queryKey: ["search", "kind", kind, q],
    enabled: searchable(q),
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) =>
      ok(
        api.GET("/api/v1/search", {
          params: { query: { q, kind, limit: PAGE, offset: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (page, _pages, offset) => (page.next ? offset + PAGE : undefined),
  });
}

export function useDiscover() {
  return useQuery({
    queryKey: ["discover"],
    queryFn: ({ signal }) => ok(api.GET("/api/v1/discover", { signal })),
  });
}
