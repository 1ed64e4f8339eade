import { useEffect, useRef, useState } from "react";
import type { ChangeEvent, FormEvent, RefObject } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { appPath } from "../miniprogram/paths";
import { useTranslation } from "react-i18next";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as Menu from "@radix-ui/react-dropdown-menu";
import { api, ok, type ConversationDetail, type Message } from "../api/client";
import { CurrencyField, TextField, type Currency } from "../components/Form";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { Sheet } from "../components/Sheet";
import { PinSheet } from "../components/PinSheet";
import { MediaPhoto, chosenFiles, chosenImages } from "../components/Photo";
import { ChatFile, ChatVideo, VoiceNote, attachmentOf } from "../components/ChatAttachment";
import { HoldToRecord } from "../components/HoldToRecord";
import { CameraIcon, PaperclipIcon, RedPacketIcon } from "../components/Icons";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime, formatMoney, parseMoney } from "../i18n/format";
import type { PendingMessage } from "../realtime/timeline";
import { conversationTitle } from "./ChatList";
import {
  useConversation,
  useMarkRead,
  usePeerReadSeq,
  useSend,
  useSendMedia,
  useTimeline,
} from "./useChat";
import { useMe } from "./useMe";

const RECALL_WINDOW_MS = 2 * 60 * 1000;
const EMOJI = ["😀", "😂", "😍", "👍", "🙏", "🎉", "❤️", "🧧"];

export default function ChatScreen() {
  const id = Number(useParams().id);
  const { t } = useTranslation();
  const conversation = useConversation(id);
  const focusParam = useSearchParams()[0].get("seq");
  const focusSeq = focusParam ? Number(focusParam) : undefined;
  const timeline = useTimeline(id, conversation.data?.last_seq, focusSeq);
  useMarkRead(id, timeline.data, conversation.data?.read_seq ?? 0);
  const peerReadSeq = usePeerReadSeq(id, conversation.data?.kind === "direct");
  const listEnd = useRef<HTMLLIElement>(null);
  const focused = useRef<HTMLLIElement>(null);
  const count = (timeline.data?.messages.length ?? 0) + (timeline.data?.pending.length ?? 0);
  useEffect(() => {
    // A message opened from search stays in view; otherwise the newest one is.
    const target = focused.current ?? listEnd.current;
    // Braces: Chromium's scrollIntoView returns a promise, which is not an effect cleanup.
    void target?.scrollIntoView({ block: focused.current ? "center" : "end" });
  }, [count]);

  if (conversation.isPending) return <Loading />;
  if (conversation.isError)
    return <ErrorView error={conversation.error} retry={() => void conversation.refetch()} />;
  const detail = conversation.data;
  return (
    <div className="chat">
      <TopBar title={conversationTitle(detail)} back />
      {timeline.isError ? (
        <ErrorView error={timeline.error} retry={() => void timeline.refetch()} />
      ) : (
        <ol className="messages" aria-label={t("chat.messages")} aria-live="polite">
          {timeline.data?.messages.map((message) => (
            <Bubble
              key={message.seq}
              message={message}
              peerReadSeq={peerReadSeq}
              focusRef={message.seq === focusSeq ? focused : undefined}
            />
          ))}
          {timeline.data?.pending.map((pending) => (
            <PendingBubble key={pending.client_msg_id} pending={pending} conversationId={id} />
          ))}
          <li ref={listEnd} aria-hidden="true" />
        </ol>
      )}
      {detail.kind === "service" ? (
        <p className="read-only-note">{t("chat.notificationsOnly")}</p>
      ) : (
        <Composer conversation={detail} />
      )}
    </div>
  );
}

function Bubble({
  message,
  peerReadSeq,
  focusRef,
}: {
  message: Message;
  peerReadSeq: number;
  focusRef?: RefObject<HTMLLIElement>;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const mine = message.sender?.username === me.data?.username;
  if (message.type === "system" || message.recalled) {
    return (
      <li className="notice" ref={focusRef}>
        {message.recalled
          ? t("chat.recalledNotice", { name: message.sender?.display_name ?? t("chat.someone") })
          : message.text}
      </li>
    );
  }
  return (
    <li
      className={`bubble-row${mine ? " mine" : ""}${focusRef ? " found" : ""}`}
      ref={focusRef}
      aria-current={focusRef ? "true" : undefined}
    >
      <div className="bubble">
        {!mine && message.type !== "notification" && (
          <span className="sender">{message.sender?.display_name ?? t("chat.erasedUser")}</span>
        )}
        <MessageBody message={message} />
        <span className="meta">
          <time dateTime={message.created_at}>
            {formatDateTime(message.created_at, i18n.language)}
          </time>
          {mine && message.seq <= peerReadSeq && <span className="read">{t("chat.read")}</span>}
        </span>
      </div>
      {mine && Date.now() - new Date(message.created_at).getTime() < RECALL_WINDOW_MS && (
        <MessageMenu message={message} />
      )}
    </li>
  );
}

function MessageMenu({ message }: { message: Message }) {
  const { t } = useTranslation();
  const notify = useToast();
  async function recall() {
    try {
      await ok(api.POST("/api/v1/messages/{id}/recall", { params: { path: { id: message.id } } }));
    } catch (error) {
      notify(errorText(error));
    }
  }
  return (
    <Menu.Root>
      <Menu.Trigger className="icon-button" aria-label={t("chat.messageActions")}>
        ⋯
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content className="menu" align="end">
          <Menu.Item className="menu-item" onSelect={() => void recall()}>
            {t("chat.recall")}
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}

function MessageBody({ message }: { message: Message }) {
  const { t, i18n } = useTranslation();
  const payload = (message.payload ?? {}) as Record<string, unknown>;
  const from = message.sender?.display_name ?? t("chat.erasedUser");
  const attachment = attachmentOf(payload);
  switch (message.type) {
    case "red_packet":
      return (
        <RedPacketCard
          packetId={Number(payload.red_packet_id)}
          greeting={String(payload.greeting ?? "")}
        />
      );
    case "product": {
      const price = payload.price as { amount: number; currency: string } | undefined;
      return (
        <div className="card" role="group" aria-label={t("cards.product")}>
          <strong>{String(payload.title ?? "")}</strong>
          {price && <span>{formatMoney(price.amount, price.currency, i18n.language)}</span>}
        </div>
      );
    }
    case "miniprogram":
      return (
        <Link
          className="card"
          to={appPath(String(payload.app_id ?? ""), {
            path: String(payload.path ?? ""),
            from: "chat_card",
          })}
          aria-label={t("host.openCard", { title: String(payload.title ?? "") })}
        >
          {typeof payload.thumb_url === "string" && <img src={payload.thumb_url} alt="" />}
          <strong>{String(payload.title ?? "")}</strong>
          <span className="muted small">{t("cards.miniprogram")}</span>
        </Link>
      );
    case "official_account":
      return (
        <Link
          className="card"
          to={`/accounts/${Number(payload.account_id)}`}
          aria-label={t("cards.officialAccountNamed", { name: String(payload.name ?? "") })}
        >
          <strong>{String(payload.name ?? "")}</strong>
          <span className="muted small">{t("cards.officialAccount")}</span>
        </Link>
      );
    case "image":
      return attachment ? (
        <MediaPhoto mediaId={attachment.media} alt={t("media.photoFrom", { name: from })} />
      ) : (
        <p className="text muted">{t("media.unavailable")}</p>
      );
    case "voice":
    case "video":
    case "file":
      if (!attachment) return <p className="text muted">{t("chatMedia.unavailable")}</p>;
      if (message.type === "voice") return <VoiceNote payload={attachment} from={from} />;
      if (message.type === "video") return <ChatVideo payload={attachment} from={from} />;
      return <ChatFile payload={attachment} />;
    case "notification":
      return (
        <div className="card" role="group" aria-label={String(payload.source ?? t("cards.other"))}>
          <strong>{String(payload.title ?? "")}</strong>
          <span>{String(payload.body ?? message.text)}</span>
        </div>
      );
    default:
      return <p className="text">{renderMentions(message)}</p>;
  }
}

function renderMentions(message: Message) {
  if (!message.mentions?.length && !message.mentions_all) return message.text;
  return message.text.split(/(@\S+)/).map((part, index) =>
    part.startsWith("@") ? (
      <strong key={index} className="mention">
        {part}
      </strong>
    ) : (
      part
    ),
  );
}

function PendingBubble({
  pending,
  conversationId,
}: {
  pending: PendingMessage;
  conversationId: number;
}) {
  const { t } = useTranslation();
  const send = useSend(conversationId);
  const sendMedia = useSendMedia(conversationId);
  const { attachment } = pending;
  function retry() {
    if (attachment) sendMedia(attachment, pending.client_msg_id);
    else send(pending.text, [], pending.client_msg_id);
  }
  return (
    <li className="bubble-row mine">
      <div className="bubble pending">
        {attachment ? (
          <>
            {attachment.file.type.startsWith("image/") ? (
              <img className="photo" src={attachment.preview} alt={t("media.photoToSend")} />
            ) : (
              <p className="text">
                {attachment.file.type.startsWith("audio/")
                  ? t("chatMedia.voiceNote")
                  : attachment.file.name}
              </p>
            )}
            {!pending.failed && (
              <progress
                value={attachment.progress}
                max={1}
                aria-label={
                  attachment.file.type.startsWith("image/")
                    ? t("media.uploading")
                    : t("chatMedia.uploading", { name: attachment.file.name })
                }
              />
            )}
          </>
        ) : (
          <p className="text">{pending.text}</p>
        )}
        <span className="meta">{pending.failed ? t("chat.failed") : t("chat.sending")}</span>
      </div>
      {pending.failed && (
        <button type="button" onClick={retry}>
          {t("common.retry")}
        </button>
      )}
    </li>
  );
}

function RedPacketCard({ packetId, greeting }: { packetId: number; greeting: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const packet = useQuery({
    queryKey: ["wallet", "red-packet", packetId],
    enabled: open,
    queryFn: () => ok(api.GET("/api/v1/red-packets/{id}", { params: { path: { id: packetId } } })),
  });
  async function claim() {
    setOpen(true);
    try {
      await ok(api.POST("/api/v1/red-packets/{id}/claim", { params: { path: { id: packetId } } }));
    } catch (error) {
      notify(errorText(error));
    }
    await queryClient.invalidateQueries({ queryKey: ["wallet"] });
  }
  return (
    <>
      <button type="button" className="red-packet" onClick={() => void claim()}>
        <RedPacketIcon /> {greeting || t("redPacket.defaultGreeting")}
        <span className="small">{t("redPacket.open")}</span>
      </button>
      <Sheet open={open} onOpenChange={setOpen} title={t("redPacket.title")}>
        {packet.data ? (
          <div className="stack">
            {packet.data.my_amount != null && (
              <p className="big">
                {t("redPacket.youGot", {
                  amount: formatMoney(packet.data.my_amount, packet.data.currency, i18n.language),
                })}
              </p>
            )}
            <p className="muted">
              {t("redPacket.claimed", {
                count: packet.data.claims.length,
                total: packet.data.count,
              })}
            </p>
            <ul className="list" aria-label={t("redPacket.whoGotWhat")}>
              {packet.data.claims.map((claim) => (
                <li key={claim.user.username} className="row">
                  <span className="row-main">{claim.user.display_name}</span>
                  <span>{formatMoney(claim.amount, packet.data.currency, i18n.language)}</span>
                </li>
              ))}
            </ul>
          </div>
        ) : (
          <Loading />
        )}
      </Sheet>
    </>
  );
}

function Composer({ conversation }: { conversation: ConversationDetail }) {
  const { t } = useTranslation();
  const send = useSend(conversation.id);
  const [text, setText] = useState("");
  const [mentions, setMentions] = useState<string[]>([]);
  const [picker, setPicker] = useState(false);
  const [packetSheet, setPacketSheet] = useState(false);
  const [photo, setPhoto] = useState<{ file: File; preview: string } | null>(null);
  const sendMedia = useSendMedia(conversation.id);
  const isGroup = conversation.kind === "group";

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = text.trim();
    if (!trimmed) return;
    send(trimmed, mentions);
    setText("");
    setMentions([]);
  }

  function choosePhoto(event: ChangeEvent<HTMLInputElement>) {
    const [file] = chosenImages(event);
    if (file) setPhoto({ file, preview: URL.createObjectURL(file) });
  }

  function chooseFiles(event: ChangeEvent<HTMLInputElement>) {
    for (const file of chosenFiles(event))
      sendMedia({ file, preview: URL.createObjectURL(file), progress: 0 });
  }

  function closePreview(open: boolean) {
    if (open || !photo) return;
    URL.revokeObjectURL(photo.preview);
    setPhoto(null);
  }

  function mention(username: string, displayName: string) {
    setText((current) => `${current}@${displayName} `);
    setMentions((current) => [...new Set([...current, username])]);
    setPicker(false);
  }

  return (
    <form className="composer" onSubmit={submit}>
      {/* What a message can carry besides text, the emoji last (a phone's keyboard has them too);
          the row below keeps the text box wide. */}
      <div className="composer-tools">
        <label className="icon-button attach">
          <CameraIcon />
          <input
            type="file"
            accept="image/*"
            className="visually-hidden"
            aria-label={t("media.attachPhoto")}
            onChange={choosePhoto}
          />
        </label>
        <label className="icon-button attach">
          <PaperclipIcon />
          <input
            type="file"
            multiple
            className="visually-hidden"
            aria-label={t("chatMedia.attachFile")}
            onChange={chooseFiles}
          />
        </label>
        {isGroup && (
          <button type="button" onClick={() => setPacketSheet(true)}>
            {t("redPacket.send")}
          </button>
        )}
        {isGroup && (
          <button type="button" onClick={() => setPicker(true)}>
            {t("chat.mention")}
          </button>
        )}
        {EMOJI.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="emoji"
            aria-label={t("chat.insertEmoji", { emoji })}
            onClick={() => setText((current) => current + emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <div className="composer-row">
        <HoldToRecord
          onRecorded={(file) =>
            sendMedia({ file, preview: URL.createObjectURL(file), progress: 0 })
          }
        />
        <label htmlFor="message-text" className="visually-hidden">
          {t("chat.message")}
        </label>
        <input
          id="message-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("chat.placeholder")}
          autoComplete="off"
          maxLength={4000}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t("chat.send")}
        </button>
      </div>
      <Sheet open={photo !== null} onOpenChange={closePreview} title={t("media.sendPhoto")}>
        {photo && (
          <div className="stack">
            <img className="viewer-image" src={photo.preview} alt={t("media.photoToSend")} />
            <button
              type="button"
              className="primary"
              onClick={() => {
                sendMedia({ ...photo, progress: 0 });
                setPhoto(null);
              }}
            >
              {t("media.sendPhoto")}
            </button>
          </div>
        )}
      </Sheet>
      <Sheet open={picker} onOpenChange={setPicker} title={t("chat.mentionWho")}>
        <ul className="list">
          {conversation.members.map((member) => (
            <li key={member.user.username}>
              <button
                type="button"
                className="row"
                onClick={() => mention(member.user.username, member.user.display_name)}
              >
                {member.user.display_name}
              </button>
            </li>
          ))}
        </ul>
      </Sheet>
      {isGroup && (
        <SendRedPacket
          conversationId={conversation.id}
          open={packetSheet}
          onOpenChange={setPacketSheet}
        />
      )}
    </form>
  );
}

function SendRedPacket({
  conversationId,
  open,
  onOpenChange,
}: {
  conversationId: number;
  open: boolean;
  onOpenChange(open: boolean): void;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [total, setTotal] = useState("");
  const [count, setCount] = useState("2");
  const [currency, setCurrency] = useState<Currency>("EUR");
  const [greeting, setGreeting] = useState("");
  const [pinOpen, setPinOpen] = useState(false);
  const amount = parseMoney(total, currency);

  async function pay(pin: string) {
    await ok(
      api.POST("/api/v1/red-packets", {
        body: {
          conversation: conversationId,
          mode: "lucky",
          total: amount ?? 0,
          count: Number(count),
          currency,
          pin,
          greeting,
        },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: ["wallet"] });
  }

  return (
    <>
      <Sheet open={open} onOpenChange={onOpenChange} title={t("redPacket.send")}>
        <div className="stack">
          <TextField
            id="packet-total"
            label={t("redPacket.total")}
            inputMode="decimal"
            value={total}
            onChange={setTotal}
          />
          <CurrencyField
            id="packet-currency"
            label={t("wallet.currency")}
            value={currency}
            onChange={setCurrency}
          />
          <TextField
            id="packet-count"
            label={t("redPacket.count")}
            type="number"
            min={1}
            value={count}
            onChange={setCount}
          />
          <TextField
            id="packet-greeting"
            label={t("redPacket.greeting")}
            value={greeting}
            maxLength={100}
            onChange={setGreeting}
          />
          <button
            type="button"
            className="primary"
            disabled={!amount || Number(count) < 1}
            onClick={() => {
              onOpenChange(false);
              setPinOpen(true);
            }}
          >
            {t("redPacket.prepare")}
          </button>
        </div>
      </Sheet>
      <PinSheet
        open={pinOpen}
        onOpenChange={setPinOpen}
        summary={t("redPacket.summary", {
          amount: formatMoney(amount ?? 0, currency, i18n.language),
          count: Number(count),
        })}
        pay={pay}
      />
    </>
  );
}
