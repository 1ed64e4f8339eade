import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok, type Conversation } from "../api/client";
import { ErrorView, Loading, Avatar } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { SearchBox } from "../search/SearchResults";
import { formatListTime } from "../i18n/format";
import { messagePreview } from "./messagePreview";

export function useConversations() {
  return useQuery({
    queryKey: ["conversations"],
    queryFn: () =>
      ok(api.GET("/api/v1/conversations", { params: { query: { limit: 50 } } })).then(
        (page) => page.results,
      ),
  });
}

export function conversationTitle(conversation: Conversation): string {
  return conversation.peer?.display_name || conversation.title || `#${conversation.id}`;
}

export function ChatListScreen() {
  const { t } = useTranslation();
  const conversations = useConversations();
  return (
    <>
      <TopBar title={t("tabs.chats")} />
      <SearchBox>
        {conversations.isPending ? (
          <Loading />
        ) : conversations.isError ? (
          <ErrorView error={conversations.error} retry={() => void conversations.refetch()} />
        ) : conversations.data.length === 0 ? (
          <p className="empty">{t("chats.empty")}</p>
        ) : (
          <ul className="list" aria-label={t("tabs.chats")}>
            {conversations.data.map((conversation) => (
              <ChatRow key={conversation.id} conversation={conversation} />
            ))}
          </ul>
        )}
      </SearchBox>
    </>
  );
}

function ChatRow({ conversation }: { conversation: Conversation }) {
  const { t, i18n } = useTranslation();
  const title = conversationTitle(conversation);
  const unread = conversation.unread_count;
  return (
    <li>
      <Link to={`/chats/${conversation.id}`} className="row">
        <Avatar name={title} />
        <span className="row-main">
          <span className="row-title">
            <span className="name">{title}</span>
            <time dateTime={conversation.last_activity_at} className="muted small">
              {formatListTime(conversation.last_activity_at, i18n.language)}
            </time>
          </span>
          <span className="row-sub muted">
            {conversation.mentioned && <strong className="mention">{t("chats.mentioned")} </strong>}
            {conversation.last_message ? messagePreview(conversation.last_message, t) : ""}
          </span>
        </span>
        {unread > 0 && (
          <span className="badge" aria-label={t("chats.unread", { count: unread })}>
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </Link>
    </li>
  );
}
