import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { ApiError } from "../../api/errors";
import { ErrorView, Loading } from "../../components/Status";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { useMe } from "../../screens/useMe";
import { ColleagueSelect } from "./ColleagueSelect";
import { replyWindow } from "./replyWindow";
import {
  serviceKeys,
  useCannedReplies,
  useConversationMessages,
  useConversation,
  type Conversation,
} from "./useService";

/** One conversation: its messages, who holds it (claim, hand over), and the reply box. */
export function ConversationView({
  brandId,
  conversationId,
  onClose,
}: {
  brandId: number;
  conversationId: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const query = useConversation(conversationId);
  const me = useMe();
  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return <p className="empty">{t("cs.service.notFound")}</p>;
    return <ErrorView error={query.error} retry={() => void query.refetch()} />;
  }
  const conversation = query.data;
  const mine = conversation.claimed_by === me.data?.username;
  return (
    <section className="cs-detail" aria-labelledby="conversation-heading">
      <header className="cs-detail-head">
        <button type="button" className="cs-back" onClick={onClose}>
          ‹ {t("cs.service.backToInbox")}
        </button>
        <h2 id="conversation-heading">{conversation.follower}</h2>
        <p className="muted small">
          @{conversation.follower_username} · {conversation.account_name}
        </p>
      </header>
      <Holder brandId={brandId} conversation={conversation} mine={mine} />
      <Messages conversationId={conversationId} />
      {mine && <ReplyBox brandId={brandId} conversation={conversation} />}
    </section>
  );
}

function Holder({
  brandId,
  conversation,
  mine,
}: {
  brandId: number;
  conversation: Conversation;
  mine: boolean;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const claim = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/service-conversations/{conversation_id}/claim", {
          params: { path: { conversation_id: conversation.id } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serviceKeys.all }),
    onError: (error) => notify(errorText(error)),
  });
  return (
    <div className="cs-holder">
      {conversation.claimed_by ? (
        <p>
          {mine
            ? t("cs.service.youHold")
            : t("cs.service.claimedBy", { username: conversation.claimed_by })}
        </p>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={claim.isPending}
          onClick={() => claim.mutate()}
        >
          {t("cs.service.claim")}
        </button>
      )}
      {mine && <HandOver brandId={brandId} conversation={conversation} />}
    </div>
  );
}

function HandOver({ brandId, conversation }: { brandId: number; conversation: Conversation }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [username, setUsername] = useState("");
  const handOver = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/service-conversations/{conversation_id}/handover", {
          params: { path: { conversation_id: conversation.id } },
          body: { username },
        }),
      ),
    onSuccess: (updated) => {
      notify(t("cs.service.handedOver", { username: updated.claimed_by }));
      void queryClient.invalidateQueries({ queryKey: serviceKeys.all });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    handOver.mutate();
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t("cs.service.handOver")}>
      <ColleagueSelect brandId={brandId} value={username} onChange={setUsername} />
      <button type="submit" disabled={!username || handOver.isPending}>
        {t("cs.service.handOver")}
      </button>
    </form>
  );
}

function Messages({ conversationId }: { conversationId: number }) {
  const { t, i18n } = useTranslation();
  const messages = useConversationMessages(conversationId);
  if (messages.isPending) return <Loading />;
  if (messages.isError)
    return <ErrorView error={messages.error} retry={() => void messages.refetch()} />;
  return (
    <ol className="messages cs-messages" aria-label={t("cs.service.messages")}>
      {messages.data.map((m) => (
        <li key={m.id} className={m.direction === "from_brand" ? "bubble-row mine" : "bubble-row"}>
          <div className="bubble">
            {m.title && <strong>{m.title}</strong>}
            <p className="text">{m.text}</p>
            <span className="muted small">
              {m.kind !== "text" && `${t(`cs.service.kinds.${m.kind}`)} · `}
              {m.sent_by && `@${m.sent_by} · `}
              {formatDateTime(m.created_at, i18n.language)}
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** Ticks every minute so the hours left stay true while the screen is open. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function ReplyBox({ brandId, conversation }: { brandId: number; conversation: Conversation }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [text, setText] = useState("");
  const window = replyWindow(conversation, useNow());
  const send = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/service-conversations/{conversation_id}/replies", {
          params: { path: { conversation_id: conversation.id } },
          body: { text },
        }),
      ),
    onSuccess: () => {
      setText("");
      void queryClient.invalidateQueries({ queryKey: serviceKeys.all });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate();
  }
  return (
    <form className="cs-reply" onSubmit={submit} aria-label={t("cs.service.reply")}>
      <p className={window.open ? "cs-window" : "cs-window closed"} role="status">
        {window.open
          ? t("cs.service.windowLeft", {
              hours: window.hours,
              minutes: window.minutes,
              count: window.replies,
            })
          : t(`cs.service.windowClosed.${window.closedBecause ?? "expired"}`)}
      </p>
      <CannedPicker brandId={brandId} disabled={!window.open} onPick={setText} />
      <label htmlFor="cs-reply-text" className="visually-hidden">
        {t("cs.service.reply")}
      </label>
      <textarea
        id="cs-reply-text"
        rows={3}
        value={text}
        disabled={!window.open}
        placeholder={t("cs.service.replyPlaceholder")}
        onChange={(e) => setText(e.target.value)}
      />
      <button
        type="submit"
        className="primary"
        disabled={!window.open || !text.trim() || send.isPending}
      >
        {t("cs.service.send")}
      </button>
    </form>
  );
}

function CannedPicker({
  brandId,
  disabled,
  onPick,
}: {
  brandId: number;
  disabled: boolean;
  onPick: (text: string) => void;
}) {
  const { t } = useTranslation();
  const canned = useCannedReplies(brandId);
  if (!canned.data?.length) return null;
  return (
    <select
      aria-label={t("cs.service.canned")}
      disabled={disabled}
      value=""
      onChange={(e) => {
        const picked = canned.data.find((r) => String(r.id) === e.target.value);
        if (picked) onPick(picked.text);
      }}
    >
      <option value="">{t("cs.service.pickCanned")}</option>
      {canned.data.map((reply) => (
        <option key={reply.id} value={reply.id}>
          {reply.title}
        </option>
      ))}
    </select>
  );
}
