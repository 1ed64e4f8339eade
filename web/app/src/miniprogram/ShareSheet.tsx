import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { Sheet } from "../components/Sheet";
import { errorText } from "../components/Toast";
import { Loading } from "../components/Status";
import { conversationTitle, useConversations } from "../screens/ChatList";
import type { Card } from "./asks";

/** Share a mini-program page to a chat as a card: pick the chat, see the card, send. */
export function ShareSheet({
  appId,
  appName,
  card,
  settle,
}: {
  appId: string;
  appName: string;
  card: Card;
  settle(sent: boolean): void;
}) {
  const { t } = useTranslation();
  const conversations = useConversations();
  const [target, setTarget] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send() {
    if (target === null) return;
    setBusy(true);
    setError(null);
    try {
      await ok(
        api.POST("/api/v1/conversations/{id}/messages", {
          params: { path: { id: target } },
          body: {
            type: "miniprogram",
            client_msg_id: crypto.randomUUID(),
            payload: { app_id: appId, ...card },
          },
        }),
      );
      settle(true);
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  }

  return (
    <Sheet open onOpenChange={(open) => !open && settle(false)} title={t("host.share.title")}>
      <div className="card host-card-preview" role="group" aria-label={t("host.share.preview")}>
        {card.thumb_url && <img src={card.thumb_url} alt="" />}
        <strong>{card.title}</strong>
        <span className="muted small">{appName}</span>
      </div>
      {conversations.isPending ? (
        <Loading />
      ) : (
        <fieldset className="stack host-chats">
          <legend>{t("host.share.pickChat")}</legend>
          {(conversations.data ?? []).map((conversation) => (
            <label key={conversation.id} className="row">
              <input
                type="radio"
                name="share-chat"
                checked={target === conversation.id}
                onChange={() => setTarget(conversation.id)}
              />
              {conversationTitle(conversation)}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <button
        type="button"
        className="primary"
        disabled={target === null || busy}
        onClick={() => void send()}
      >
        {t("host.share.send")}
      </button>
    </Sheet>
  );
}
