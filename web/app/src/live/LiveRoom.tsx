import { useEffect, useRef, useState } from "react";
import type { FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams, useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { PinSheet } from "../components/PinSheet";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { formatMoney } from "../i18n/format";
import { DealCountdown } from "./DealCountdown";
import { Player } from "./Player";
import { clock, secondsUntil, type Deal, type PinnedProduct, type RoomState } from "./room";
import { useBuy } from "./useBuy";
import { useRoom } from "./useRoom";
import { useNow } from "./useNow";

/** `/live/:showId?t=<seconds>`: the live room, or the replay once the show has ended. */
export default function LiveRoomScreen() {
  const showId = Number(useParams().showId);
  const show = useQuery({
    queryKey: ["live", "show", showId],
    queryFn: () =>
      ok(api.GET("/api/v1/live/shows/{show_id}", { params: { path: { show_id: showId } } })),
  });
  if (show.isPending) return <Loading />;
  if (show.isError) return <ErrorView error={show.error} retry={() => void show.refetch()} />;
  return (
    <>
      <TopBar title={show.data.title} back />
      {show.data.status === "ended" ? (
        <Replay showId={showId} title={show.data.title} />
      ) : (
        <Room showId={showId} title={show.data.title} fallbackUrl={show.data.playback_url} />
      )}
    </>
  );
}

function Room({
  showId,
  title,
  fallbackUrl,
}: {
  showId: number;
  title: string;
  fallbackUrl: string;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { room, send } = useRoom(showId, true);
  const video = useRef<HTMLVideoElement>(null);
  const buying = useBuy(showId);
  const ended = room.status === "ended";

  useEffect(() => {
    // The show ended: read it again, and the screen becomes its replay.
    if (ended) void queryClient.invalidateQueries({ queryKey: ["live", "show", showId] });
  }, [ended, queryClient, showId]);

  const playback = room.status === "live" ? room.playbackUrl || fallbackUrl : "";
  return (
    <div className="live-room">
      <div className="live-stage">
        {playback ? (
          <Player src={playback} title={t("live.video", { title })} videoRef={video} />
        ) : (
          <p className="live-waiting" role="status">
            {room.joined ? t("live.waiting") : t("common.loading")}
          </p>
        )}
        <RoomCounters room={room} />
      </div>
      {room.pinned && (
        <PinnedCard
          product={room.pinned}
          deal={room.deal?.product_id === room.pinned.id ? room.deal : null}
          busy={buying.busy}
          onBuy={(deal) => void buying.buy(deal, 1, room.pinned?.title ?? "")}
        />
      )}
      {room.checkout && (
        <section className="live-checkout" aria-label={t("live.checkoutCard")}>
          <p>
            {t("live.checkoutFromComment", {
              count: room.checkout.quantity,
              product: room.pinned?.title ?? "",
            })}
          </p>
          <button
            type="button"
            className="primary"
            disabled={buying.busy}
            onClick={() =>
              room.checkout &&
              void buying.buy(room.checkout.deal, room.checkout.quantity, room.pinned?.title ?? "")
            }
          >
            {t("live.buyQuantity", { count: room.checkout.quantity })}
          </button>
        </section>
      )}
      <Comments room={room} />
      <CommentForm send={send} error={room.error} disabled={!room.joined} />
      <PinSheet
        open={buying.open}
        onOpenChange={(open) => !open && buying.close()}
        summary={buying.summary}
        pay={buying.pay}
      />
    </div>
  );
}

function RoomCounters({ room }: { room: RoomState }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <p className="live-counters">
      {room.status === "live" && <span className="live-badge">{t("live.liveBadge")}</span>}
      <span>
        {t("live.viewers", { count: room.viewers, formatted: number.format(room.viewers) })}
      </span>
      <span>{t("live.likes", { count: room.likes, formatted: number.format(room.likes) })}</span>
    </p>
  );
}

/** The pinned product and, when one runs on it, the flash deal with its countdown. */
function PinnedCard({
  product,
  deal,
  busy,
  onBuy,
}: {
  product: PinnedProduct;
  deal: Deal | null;
  busy: boolean;
  onBuy(deal: Deal): void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow(deal !== null);
  const opensIn = deal ? secondsUntil(deal.opens_at, now) : 0;
  const closesIn = deal ? secondsUntil(deal.closes_at, now) : 0;
  const open = deal !== null && opensIn <= 0 && closesIn > 0 && deal.remaining > 0;
  return (
    <section className="live-pinned" aria-label={t("live.pinned")}>
      {product.image && <img src={product.image} alt="" width={56} height={56} />}
      <div className="live-pinned-text">
        <h2>{product.title}</h2>
        {deal && (
          <>
            <p>
              <strong>{formatMoney(deal.price.amount, deal.price.currency, i18n.language)}</strong>{" "}
              · {t("live.remaining", { count: deal.remaining })}
            </p>
            <DealCountdown opensIn={opensIn} closesIn={closesIn} />
            <p className="muted small">{t("live.commentToBuy", { keyword: deal.keyword })}</p>
          </>
        )}
      </div>
      {deal && (
        <button
          type="button"
          className="primary"
          disabled={!open || busy}
          onClick={() => onBuy(deal)}
        >
          {t("live.buy")}
        </button>
      )}
    </section>
  );
}

function Comments({ room }: { room: RoomState }) {
  const { t } = useTranslation();
  return (
    <ol className="live-comments" role="log" aria-label={t("live.comments")}>
      {room.comments.map((comment) => (
        <li key={comment.id}>
          <strong>{comment.user.name}</strong> {comment.text}
        </li>
      ))}
    </ol>
  );
}

function CommentForm({
  send,
  error,
  disabled,
}: {
  send: ReturnType<typeof useRoom>["send"];
  error: string | null;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() && send({ type: "comment", text })) setText("");
  }
  return (
    <form className="live-comment-form" onSubmit={submit}>
      <label htmlFor="live-comment" className="visually-hidden">
        {t("live.comment")}
      </label>
      <input
        id="live-comment"
        value={text}
        maxLength={200}
        placeholder={t("live.commentPlaceholder")}
        onChange={(e) => setText(e.target.value)}
        disabled={disabled}
        aria-describedby={error ? "live-comment-error" : undefined}
      />
      <button type="submit" disabled={disabled || !text.trim()}>
        {t("live.send")}
      </button>
      <button
        type="button"
        className="live-like"
        aria-label={t("live.like")}
        disabled={disabled}
        onClick={() => send({ type: "like" })}
      >
        ♥
      </button>
      {error && (
        <p id="live-comment-error" role="alert" className="field-error">
          {t(`live.errors.${error}`, { defaultValue: t("errors.tryAgain") })}
        </p>
      )}
    </form>
  );
}

/** The replay: Plaza's recording, seeked to `?t=`, and the pins on its timeline. */
function Replay({ showId, title }: { showId: number; title: string }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const video = useRef<HTMLVideoElement>(null);
  const replay = useQuery({
    queryKey: ["live", "replay", showId],
    queryFn: () =>
      ok(api.GET("/api/v1/live/shows/{show_id}/replay", { params: { path: { show_id: showId } } })),
    // The recording is converted in the background: look again until it is ready.
    refetchInterval: (query) => (query.state.data?.replay_status === "processing" ? 2000 : false),
  });
  if (replay.isPending) return <Loading />;
  if (replay.isError) return <ErrorView error={replay.error} retry={() => void replay.refetch()} />;
  const data = replay.data;
  const src = data.replay_status === "ready" ? data.replay_url : data.stream_url;
  const startAt = Number(params.get("t")) || undefined;

  function jump(seconds: number) {
    setParams({ t: String(Math.floor(seconds)) }, { replace: true });
    if (video.current) {
      video.current.currentTime = seconds;
      void video.current.play().catch(() => undefined);
    }
  }

  return (
    <div className="live-room">
      <div className="live-stage">
        {src ? (
          <Player
            src={src}
            title={t("live.replayVideo", { title })}
            startAt={startAt}
            videoRef={video}
          />
        ) : (
          <p className="live-waiting" role="status">
            {t(`live.replayStatus.${data.replay_status}`)}
          </p>
        )}
      </div>
      <section aria-labelledby="replay-pins" className="padded">
        <h2 id="replay-pins">{t("live.pinsTimeline")}</h2>
        {data.timeline.length === 0 ? (
          <p className="empty">{t("live.noPins")}</p>
        ) : (
          <ol className="list">
            {data.timeline.map((pin) => (
              <li key={`${pin.product_id}-${pin.pinned_at}`}>
                <button
                  type="button"
                  className="row"
                  disabled={pin.offset_seconds === null || !src}
                  onClick={() => pin.offset_seconds !== null && jump(pin.offset_seconds)}
                >
                  {t("live.jumpTo", { product: pin.title, time: clock(pin.offset_seconds ?? 0) })}
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
