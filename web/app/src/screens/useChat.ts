import { useCallback, useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ok, type Message } from "../api/client";
import { timelineKey } from "../realtime/engine";
import {
  addPending,
  emptyTimeline,
  lastSeq,
  markFailed,
  mergeMessages,
  type Timeline,
} from "../realtime/timeline";

const PAGE = 50;

export function useConversation(id: number) {
  return useQuery({
    queryKey: ["conversation", id],
    queryFn: () => ok(api.GET("/api/v1/conversations/{id}", { params: { path: { id } } })),
  });
}

/** The latest page of messages, merged into whatever the socket already put in the cache. */
export function useTimeline(id: number, latestSeq: number | undefined) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: timelineKey(id),
    enabled: latestSeq !== undefined,
    queryFn: async () => {
      const page = await ok(
        api.GET("/api/v1/conversations/{id}/messages", {
          params: {
            path: { id },
            query: { after_seq: Math.max(0, (latestSeq ?? 0) - PAGE), limit: PAGE },
          },
        }),
      );
      const cached = queryClient.getQueryData<Timeline>(timelineKey(id)) ?? emptyTimeline;
      return mergeMessages(cached, page.results);
    },
  });
}

/** Optimistic sends keyed by client_msg_id: the bubble shows at once, the echo (the POST's
 * answer or the socket's event, whichever comes first) replaces it, a retry reuses the id. */
export function useSend(id: number) {
  const queryClient = useQueryClient();
  const update = useCallback(
    (change: (timeline: Timeline) => Timeline) =>
      queryClient.setQueryData<Timeline>(timelineKey(id), (t) => change(t ?? emptyTimeline)),
    [queryClient, id],
  );
  const mutation = useMutation({
    mutationFn: (input: { text: string; mentions: string[]; clientMsgId: string }) =>
      ok(
        api.POST("/api/v1/conversations/{id}/messages", {
          params: { path: { id } },
          body: {
            type: "text",
            text: input.text,
            client_msg_id: input.clientMsgId,
            mentions: input.mentions,
          },
        }),
      ),
    onMutate: (input) =>
      update((t) =>
        addPending(t, {
          pending: true,
          client_msg_id: input.clientMsgId,
          text: input.text,
          created_at: new Date().toISOString(),
          failed: false,
        }),
      ),
    onSuccess: (message: Message) => update((t) => mergeMessages(t, [message])),
    onError: (_error, input) => update((t) => markFailed(t, input.clientMsgId)),
  });
  return (text: string, mentions: string[] = [], clientMsgId: string = crypto.randomUUID()) =>
    mutation.mutate({ text, mentions, clientMsgId });
}

/** In a direct chat, the peer's read position (my messages up to it show "Read"). The
 * `conversation.read` socket event invalidates ["conversation"] queries, so it updates live. */
export function usePeerReadSeq(id: number, direct: boolean): number {
  const position = useQuery({
    queryKey: ["conversation", id, "peer-read"],
    enabled: direct,
    queryFn: () =>
      ok(
        api.GET("/api/v1/conversations/{id}/messages", {
          params: { path: { id }, query: { limit: 1 } },
        }),
      ).then((page) => page.peer_read_seq ?? 0),
  });
  return position.data ?? 0;
}

/** Marks the conversation read up to the newest message shown. */
export function useMarkRead(id: number, timeline: Timeline | undefined, readSeq: number) {
  const queryClient = useQueryClient();
  const seq = timeline ? lastSeq(timeline) : 0;
  useEffect(() => {
    if (seq <= readSeq) return;
    void ok(
      api.POST("/api/v1/conversations/{id}/read", { params: { path: { id } }, body: { seq } }),
    ).then(() => queryClient.invalidateQueries({ queryKey: ["conversations"] }));
  }, [id, seq, readSeq, queryClient]);
}
