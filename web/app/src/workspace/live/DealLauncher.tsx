import { useState } from "react";
import type { ChangeEvent, FormEvent } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";
import { DealCountdown } from "../../live/DealCountdown";
import { secondsUntil, type Deal, type RoomState } from "../../live/room";
import { useBrandShop } from "../useShop";
import { useCurrentTeam } from "../useTeams";
import type { Show } from "./useLive";
import { useNow } from "../../live/useNow";

/** A flash deal on the pinned product (SKU, price, quantity, per-buyer limit, countdown and
 * window), and the running deal with its countdown and the units left. */
export function DealLauncher({ show, room }: { show: Show; room: RoomState }) {
  const { t } = useTranslation();
  const pinned = room.pinned;
  const deal = room.deal;
  const now = useNow(deal !== null);
  const running = deal !== null && secondsUntil(deal.closes_at, now) > 0;
  return (
    <section aria-labelledby="deal-heading" className="padded">
      <h2 id="deal-heading">{t("liveControl.deal.title")}</h2>
      {deal && <RunningDeal deal={deal} now={now} />}
      {!pinned ? (
        <p className="muted">{t("liveControl.deal.pinFirst")}</p>
      ) : running ? null : (
        <DealForm show={show} productId={pinned.id} productTitle={pinned.title} />
      )}
    </section>
  );
}

function RunningDeal({ deal, now }: { deal: Deal; now: number }) {
  const { t, i18n } = useTranslation();
  const opensIn = secondsUntil(deal.opens_at, now);
  const closesIn = secondsUntil(deal.closes_at, now);
  return (
    <div className="live-deal-running" aria-label={t("liveControl.deal.running")} role="group">
      <p>
        <strong>{formatMoney(deal.price.amount, deal.price.currency, i18n.language)}</strong> ·{" "}
        {t("liveControl.deal.left", { count: deal.remaining, quantity: deal.quantity })}
      </p>
      <DealCountdown opensIn={opensIn} closesIn={closesIn} />
    </div>
  );
}

function DealForm({
  show,
  productId,
  productTitle,
}: {
  show: Show;
  productId: number;
  productTitle: string;
}) {
  const { t, i18n } = useTranslation();
  const notify = useToast();
  const { team } = useCurrentTeam();
  const shop = useBrandShop(team?.id ?? 0);
  const shopId = shop.data?.id;
  const product = useQuery({
    queryKey: ["shop", shopId, "product", productId],
    enabled: shopId !== undefined,
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/products/{product_id}", {
          params: { path: { shop_id: shopId ?? 0, product_id: productId } },
        }),
      ),
  });
  const skus = product.data?.skus ?? [];
  const [form, setForm] = useState({
    skuId: "",
    price: "",
    quantity: "10",
    perBuyer: "1",
    countdown: "10",
    window: "5",
  });
  const sku = skus.find((s) => String(s.id) === form.skuId) ?? skus[0];
  const listPrice = sku?.prices[0];
  const currency = listPrice?.currency ?? shop.data?.currency ?? "EUR";

  const start = useMutation({
    mutationFn: () => {
      const price = parseMoney(form.price, currency);
      return ok(
        api.POST("/api/v1/live/shows/{show_id}/deals", {
          params: { path: { show_id: show.id } },
          body: {
            sku_id: sku?.id ?? 0,
            price: price ?? 0,
            quantity: Number(form.quantity),
            per_buyer_limit: Number(form.perBuyer),
            countdown_seconds: Number(form.countdown),
            window_minutes: Number(form.window),
          },
        }),
      );
    },
    onSuccess: () => notify(t("liveControl.deal.started", { title: productTitle })),
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    start.mutate();
  }
  const error = (name: string) => fieldError(start.error, name);
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setForm({ ...form, [name]: e.target.value }),
  });
  return (
    <form
      className="stack live-deal-form"
      onSubmit={submit}
      aria-label={t("liveControl.deal.form", { title: productTitle })}
    >
      <div className="field">
        <label htmlFor="deal-sku">{t("liveControl.deal.sku")}</label>
        <select id="deal-sku" {...field("skuId")}>
          {skus.map((s) => (
            <option key={s.id} value={s.id}>
              {s.code} ·{" "}
              {s.prices[0] && formatMoney(s.prices[0].amount, s.prices[0].currency, i18n.language)}{" "}
              · {t("workspace.shop.inStock", { count: s.stock ?? 0 })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="deal-price">{t("liveControl.deal.price", { currency })}</label>
        <input id="deal-price" inputMode="decimal" required {...field("price")} />
        {error("price") && <p className="field-error">{error("price")}</p>}
      </div>
      <div className="live-deal-numbers">
        <div className="field">
          <label htmlFor="deal-quantity">{t("liveControl.deal.quantity")}</label>
          <input id="deal-quantity" type="number" min={1} required {...field("quantity")} />
        </div>
        <div className="field">
          <label htmlFor="deal-per-buyer">{t("liveControl.deal.perBuyer")}</label>
          <input id="deal-per-buyer" type="number" min={1} required {...field("perBuyer")} />
          {error("per_buyer_limit") && <p className="field-error">{error("per_buyer_limit")}</p>}
        </div>
        <div className="field">
          <label htmlFor="deal-countdown">{t("liveControl.deal.countdown")}</label>
          <input
            id="deal-countdown"
            type="number"
            min={10}
            max={300}
            required
            {...field("countdown")}
          />
          {error("countdown_seconds") && (
            <p className="field-error">{error("countdown_seconds")}</p>
          )}
        </div>
        <div className="field">
          <label htmlFor="deal-window">{t("liveControl.deal.window")}</label>
          <input id="deal-window" type="number" min={1} max={20} required {...field("window")} />
          {error("window_minutes") && <p className="field-error">{error("window_minutes")}</p>}
        </div>
      </div>
      <button type="submit" className="primary" disabled={start.isPending || !sku}>
        {t("liveControl.deal.launch")}
      </button>
    </form>
  );
}
