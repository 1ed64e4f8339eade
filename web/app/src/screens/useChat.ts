import { useCallback, useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { errorText, useToast } from "../components/Toast";
import { api, ok, type Message } from "../api/client";
import { uploadMedia } from "../api/upload";
import { timelineKey } from "../realtime/engine";
import {
  addPending,
  emptyTimeline,
  lastSeq,
  markFailed,
  mergeMessages,
  setProgress,
  type PendingAttachment,
  type Timeline,
} from "../realtime/timeline";

const PAGE = 50;

export function useConversation(id: number) {
  return useQuery({
    queryKey: ["conversation", id],
    queryFn: () => ok(api.GET("/api/v1/conversations/{id}", { params: { path: { id } } })),
  });
}

function messagesAfter(id: number, afterSeq: number) {
  return ok(
    api.GET("/api/v1/conversations/{id}/messages", {
      params: { path: { id }, query: { after_seq: Math.max(0, afterSeq), limit: PAGE } },
    }),
  ).then((page) => page.results);
}

/** The latest page of messages, merged into whatever the socket already put in the cache; with
 * `focusSeq` (a search result) older than that page, also the page around that message. */
export function useTimeline(id: number, latestSeq: number | undefined, focusSeq?: number) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: timelineKey(id),
    enabled: latestSeq !== undefined,
    queryFn: async () => {
      const latestAfter = (latestSeq ?? 0) - PAGE;
      const pages = [messagesAfter(id, latestAfter)];
      if (focusSeq !== undefined && focusSeq <= latestAfter)
        pages.push(messagesAfter(id, focusSeq - PAGE / 2));
      const results = (await Promise.all(pages)).flat();
      const cached = queryClient.getQueryData<Timeline>(timelineKey(id)) ?? emptyTimeline;
      return mergeMessages(cached, results);
    },
  });
}

/** Optimistic sends keyed by client_msg_id: the bubble shows at once, the echo (the POST's
 * answer or the socket's event, whichever comes first) replaces it, a retry reuses the id. */
export function useSend(id: number) {
  const update = useTimelineUpdate(id);
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

/** A photo, voice note, video or file: the bubble shows the local preview with the upload's
 * progress, then the message is sent under the same `client_msg_id`, so the echo replaces the
 * bubble. The message's type is the kind the server found in the bytes (never the file name). */
export function useSendMedia(id: number) {
  const update = useTimelineUpdate(id);
  const mutation = useMutation({
    mutationFn: async (input: { attachment: PendingAttachment; clientMsgId: string }) => {
      const progress = (fraction: number) =>
        update((t) => setProgress(t, input.clientMsgId, fraction));
      const media = await uploadMedia(input.attachment.file, "chat", progress);
      return ok(
        api.POST("/api/v1/conversations/{id}/messages", {
          params: { path: { id } },
          body: {
            type: media.kind as MediaMessageType,
            payload: { media: media.id },
            client_msg_id: input.clientMsgId,
          },
        }),
      );
    },
    onMutate: (input) =>
      update((t) =>
        addPending(t, {
          pending: true,
          client_msg_id: input.clientMsgId,
          text: "",
          created_at: new Date().toISOString(),
          failed: false,
          attachment: { ...input.attachment, progress: 0 },
        }),
      ),
    onSuccess: (message: Message, input) => {
      update((t) => mergeMessages(t, [message]));
      URL.revokeObjectURL(input.attachment.preview);
    },
    onError: (_error, input) => update((t) => markFailed(t, input.clientMsgId)),
  });
  return (attachment: PendingAttachment, clientMsgId: string = crypto.randomUUID()) =>
    mutation.mutate({ attachment, clientMsgId });
}

type MediaMessageType = "image" | "voice" | "video" | "file";

function useTimelineUpdate(id: number) {
  const queryClient = useQueryClient();
  return useCallback(
    (change: (timeline: Timeline) => Timeline) =>
      queryClient.setQueryData<Timeline>(timelineKey(id), (t) => change(t ?? emptyTimeline)),
    [queryClient, id],
  );
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

/** Opens (or creates) the direct chat with `username`; a refusal shows as a toast. */
export function useOpenDirectChat() {
  const navigate = useNavigate();
  const notify = useToast();
  return async (username: string) => {
    try {
      const conversation = await ok(
        api.POST("/api/v1/conversations", { body: { kind: "direct", members: [username] } }),
      );
      navigate(`/chats/${conversation.id}`);
    } catch (error) {
      notify(errorText(error));
    }
  };
}
