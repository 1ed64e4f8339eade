import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { useCurrentTeam } from "../useTeams";
import { useBrandShop } from "../useShop";

type Review = Schemas["StaffReviewOutput"];

/** The shop's reviews: the brand replies once, and reports abuse to the platform. */
export default function ReviewsScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const shop = useBrandShop(team?.id ?? 0);
  const shopId = shop.data?.id;
  const reviews = useQuery({
    queryKey: ["workspace", "reviews", shopId],
    enabled: shopId !== undefined,
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/reviews", {
          params: { path: { shop_id: shopId ?? 0 } },
        }),
      ),
    select: (page) => page.results,
  });
  if (shop.isPending) return <Loading />;
  if (shop.isError) return <ErrorView error={shop.error} retry={() => void shop.refetch()} />;
  return (
    <>
      <TopBar title={t("shopDesk.reviews.title")} />
      {shop.data === null ? (
        <p className="empty">{t("workspace.orders.noShop")}</p>
      ) : (
        <section aria-labelledby="reviews-heading" className="padded">
          <h2 id="reviews-heading">{t("shopDesk.reviews.list")}</h2>
          {reviews.isPending && <Loading />}
          {reviews.isError && (
            <ErrorView error={reviews.error} retry={() => void reviews.refetch()} />
          )}
          {reviews.data?.length === 0 && <p className="muted">{t("shopDesk.reviews.none")}</p>}
          <ul className="list">
            {reviews.data?.map((review) => (
              <ReviewItem key={review.id} review={review} shopId={shop.data?.id ?? 0} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ReviewItem({ review, shopId }: { review: Review; shopId: number }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="review-item" aria-label={t("shopDesk.reviews.by", { author: review.author })}>
      <p className="row-title">
        {t("shopDesk.reviews.stars", { count: review.rating })} · {review.product_title}
      </p>
      <p className="row-sub">
        {review.author} · {formatDateTime(review.created_at, i18n.language)}
        {review.status === "hidden" && <> · {t("shopDesk.reviews.hidden")}</>}
        {review.open_reports > 0 && (
          <> · {t("shopDesk.reviews.reports", { count: review.open_reports })}</>
        )}
      </p>
      {review.text && <p>{review.text}</p>}
      {review.brand_reply ? (
        <p className="review-reply">
          <strong>{t("shopDesk.reviews.yourReply")}</strong> {review.brand_reply}
        </p>
      ) : (
        <Reply review={review} shopId={shopId} />
      )}
      <Report review={review} shopId={shopId} />
    </li>
  );
}

function useReviewsChanged(shopId: number) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: ["workspace", "reviews", shopId] });
}

function Reply({ review, shopId }: { review: Review; shopId: number }) {
  const { t } = useTranslation();
  const notify = useToast();
  const changed = useReviewsChanged(shopId);
  const [text, setText] = useState("");
  const reply = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/manage/reviews/{review_id}/reply", {
          params: { path: { shop_id: shopId, review_id: review.id } },
          body: { text: text.trim() },
        }),
      ),
    onSuccess: changed,
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim()) reply.mutate();
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label={t("shopDesk.reviews.replyTo", { author: review.author })}
        placeholder={t("shopDesk.reviews.replyHint")}
        maxLength={2000}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" disabled={reply.isPending}>
        {t("shopDesk.reviews.reply")}
      </button>
    </form>
  );
}

function Report({ review, shopId }: { review: Review; shopId: number }) {
  const { t } = useTranslation();
  const notify = useToast();
  const changed = useReviewsChanged(shopId);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const report = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shop/reviews/{review_id}/reports", {
          params: { path: { review_id: review.id } },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: () => {
      notify(t("shopDesk.reviews.reported"));
      setOpen(false);
      changed();
    },
    onError: (error) => notify(errorText(error)),
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t("shopDesk.reviews.report")}
      </button>
    );
  function submit(event: FormEvent) {
    event.preventDefault();
    if (reason.trim()) report.mutate();
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label={t("shopDesk.reviews.reportReason")}
        maxLength={500}
        required
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" className="danger" disabled={report.isPending}>
        {t("shopDesk.reviews.sendReport")}
      </button>
    </form>
  );
}
