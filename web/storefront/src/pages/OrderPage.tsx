import { useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ok, type Order } from "../api";
import { dataAddress, keepPhotos, uploadReviewPhotos } from "../photos";
import { useOrder } from "../queries";
import { sdk, sdkErrorCode } from "../sdk";
import { useStore } from "../store";
import { useMoney } from "./Money";
import { useOrderTitle } from "./orderTitle";
import { Status } from "./Status";

/** Pay: the Storefront API starts the pay order, the host's payment sheet asks for the PIN. */
function PayButton({ order }: { order: Order }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { api, config } = useStore();
  const queries = useQueryClient();
  const [refused, setRefused] = useState<string | null>(null);
  const pay = useMutation({
    mutationFn: async () => {
      setRefused(null);
      const started = await ok(
        api.POST("/api/v1/shop/orders/{order_id}/pay", {
          params: { path: { order_id: order.id } },
        }),
      );
      try {
        await sdk().requestPayment({ prepayId: started.prepay_id });
      } catch (error) {
        setRefused(sdkErrorCode(error));
      }
    },
    onSettled: () =>
      queries.invalidateQueries({ queryKey: ["shop", config.shop_id, "order", order.id] }),
  });
  return (
    <>
      <button type="button" disabled={pay.isPending} onClick={() => pay.mutate()}>
        {t("orders.pay", { amount: money(order.total.amount, order.total.currency) })}
      </button>
      {pay.isPending && <p aria-busy="true">{t("orders.paying")}</p>}
      {refused && <p role="alert">{t("orders.payRefused", { code: refused })}</p>}
      <Status loading={false} error={pay.error} />
    </>
  );
}

/** data: addresses of the picked photos (the storefront's CSP allows data: images, not blob:). */
function usePreviews(photos: File[]): string[] {
  const [previews, setPreviews] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    void Promise.all(photos.map(dataAddress)).then((urls) => current && setPreviews(urls));
    return () => {
      current = false;
    };
  }, [photos]);
  return previews;
}

function ReviewPhotos({
  photos,
  onChange,
}: {
  photos: File[];
  onChange: (photos: File[]) => void;
}) {
  const { t } = useTranslation();
  const { config } = useStore();
  const [dropped, setDropped] = useState(0);
  const previews = usePreviews(photos);
  const limit = config.max_review_photos;
  return (
    <fieldset className="sf-field">
      <legend>{t("review.photos", { limit })}</legend>
      <ul className="sf-photos">
        {previews.map((url, index) => (
          <li key={index}>
            <img src={url} alt={t("review.photo", { number: index + 1 })} />
            <button
              type="button"
              onClick={() => onChange(photos.filter((_, other) => other !== index))}
            >
              {t("review.removePhoto", { number: index + 1 })}
            </button>
          </li>
        ))}
      </ul>
      {photos.length < limit && (
        <label>
          {t("review.addPhotos")}
          <input
            type="file"
            accept="image/*"
            multiple
            onChange={(event) => {
              const kept = keepPhotos(photos, Array.from(event.target.files ?? []), limit);
              setDropped(kept.dropped);
              onChange(kept.photos);
              event.target.value = "";
            }}
          />
        </label>
      )}
      {dropped > 0 && <p role="status">{t("review.photosDropped", { count: dropped, limit })}</p>}
    </fieldset>
  );
}

function ReviewForm({ lineId, title }: { lineId: number; title: string }) {
  const { t } = useTranslation();
  const { api } = useStore();
  const [rating, setRating] = useState(5);
  const [text, setText] = useState("");
  const [photos, setPhotos] = useState<File[]>([]);
  const send = useMutation({
    mutationFn: async () => {
      const ids = await uploadReviewPhotos(api, photos);
      return ok(
        api.POST("/api/v1/shop/reviews", {
          body: { line_id: lineId, rating, text, photos: ids },
        }),
      );
    },
  });
  if (send.isSuccess) return <p role="status">{t("review.thanks")}</p>;
  return (
    <form
      className="sf-box"
      aria-label={t("review.write", { title })}
      onSubmit={(event) => {
        event.preventDefault();
        send.mutate();
      }}
    >
      <h3>{t("review.write", { title })}</h3>
      <label className="sf-field">
        {t("review.rating")}
        <select value={rating} onChange={(event) => setRating(Number(event.target.value))}>
          {[5, 4, 3, 2, 1].map((value) => (
            <option key={value} value={value}>
              {"★".repeat(value)}
            </option>
          ))}
        </select>
      </label>
      <label className="sf-field">
        {t("review.text")}
        <textarea value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      <ReviewPhotos photos={photos} onChange={setPhotos} />
      <Status loading={false} error={send.error} />
      <button type="submit" disabled={send.isPending}>
        {send.isPending && photos.length > 0 ? t("review.uploading") : t("review.send")}
      </button>
    </form>
  );
}

/** One order; its status is read again every few seconds while it can still change. */
export function OrderPage({ orderId }: { orderId: number }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { api, config, go } = useStore();
  const queries = useQueryClient();
  const order = useOrder(orderId);
  const orderTitle = useOrderTitle();
  const confirm = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shop/orders/{order_id}/confirm-receipt", {
          params: { path: { order_id: orderId } },
        }),
      ),
    onSuccess: (data) => queries.setQueryData(["shop", config.shop_id, "order", orderId], data),
  });
  if (!order.data) return <Status loading={order.isPending} error={order.error} />;
  const data = order.data;
  const status = data.status ?? "created";
  return (
    <article aria-labelledby="sf-order">
      <h1 id="sf-order">{orderTitle(data)}</h1>
      <p className="sf-muted sf-order-number">
        {t("orders.number", { number: data.out_trade_no })}
      </p>
      <p role="status" data-status={status} className="sf-status">
        {t(`orders.status.${status}`)}
      </p>
      <ul className="sf-lines">
        {data.lines.map((line) => (
          <li key={line.id}>
            <span>
              {line.title} × {line.quantity}
            </span>
            <span>{money(line.amount.amount, line.amount.currency)}</span>
          </li>
        ))}
      </ul>
      <p>{t("orders.total", { amount: money(data.total.amount, data.total.currency) })}</p>
      {status === "created" && <PayButton order={data} />}
      {data.team_id !== null && (
        <button type="button" onClick={() => go({ page: "team", id: data.team_id! })}>
          {t("team.title")}
        </button>
      )}
      {status === "delivered" && (
        <button type="button" disabled={confirm.isPending} onClick={() => confirm.mutate()}>
          {t("orders.confirmReceipt")}
        </button>
      )}
      {(status === "delivered" || status === "completed") &&
        data.lines.map((line) => <ReviewForm key={line.id} lineId={line.id} title={line.title} />)}
    </article>
  );
}
