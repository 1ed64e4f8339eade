import { useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../../api/client";

export type Conversation = Schemas["ServiceConversationOutput"];
export type InboxStatus = "unclaimed" | "mine" | "all";

/**
 * Query keys live under "official": every `official.*` event on the socket (a follower's new
 * message, a claim, a hand-over) invalidates them, so the inbox updates without reloading.
 */
export const serviceKeys = {
  all: ["official", "service"] as const,
  inbox: (brandId: number, status: string) => ["official", "service", "inbox", brandId, status],
  conversation: (conversationId: number) => ["official", "service", "conversation", conversationId],
  messages: (conversationId: number) => ["official", "service", "messages", conversationId],
  canned: (brandId: number) => ["official", "service", "canned", brandId],
};

export function useInbox(brandId: number, status: InboxStatus) {
  return useQuery({
    queryKey: serviceKeys.inbox(brandId, status),
    queryFn: () =>
      ok(
        api.GET("/api/v1/brands/{brand_id}/inbox", {
          params: { path: { brand_id: brandId }, query: { status } },
        }),
      ),
    select: (page) => page.results,
  });
}

export function useConversation(conversationId: number) {
  return useQuery({
    queryKey: serviceKeys.conversation(conversationId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/service-conversations/{conversation_id}", {
          params: { path: { conversation_id: conversationId } },
        }),
      ),
  });
}

export function useConversationMessages(conversationId: number) {
  return useQuery({
    queryKey: serviceKeys.messages(conversationId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/service-conversations/{conversation_id}/messages", {
          params: { path: { conversation_id: conversationId } },
        }),
      ),
    select: (page) => [...page.results].reverse(),
  });
}

export function useCannedReplies(brandId: number) {
  return useQuery({
    queryKey: serviceKeys.canned(brandId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/brands/{brand_id}/canned-replies", {
          params: { path: { brand_id: brandId } },
        }),
      ),
    select: (page) => page.results,
  });
}

/** The brand's other members, to hand a conversation or a client over to. */
export function useColleagues(brandId: number, myUsername: string | undefined) {
  return useQuery({
    queryKey: ["team", "brand", brandId, "members"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/teams/{kind}/{team_id}/members", {
          params: { path: { kind: "brand", team_id: brandId } },
        }),
      ),
    select: (page) => page.results.filter((member) => member.username !== myUsername),
  });
}
