import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { errorText, useToast } from "../components/Toast";
import { formatMoney } from "../i18n/format";
import type { Deal } from "./room";

interface Pending {
  prepayId: string;
  summary: string;
}

/** Buying in the stream: the deal's one-tap order (POST .../deals/{id}/orders, the buyer's
 * default address), then the payment PIN in the app's PinSheet; the video keeps playing. */
export function useBuy(showId: number) {
  const { t, i18n } = useTranslation();
  const notify = useToast();
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);

  async function buy(deal: Deal, quantity: number, title: string) {
    setBusy(true);
    try {
      const order = await ok(
        api.POST("/api/v1/live/shows/{show_id}/deals/{deal_id}/orders", {
          params: { path: { show_id: showId, deal_id: deal.id } },
          body: { quantity },
          headers: { "Idempotency-Key": crypto.randomUUID() },
        }),
      );
      const total = formatMoney(order.total.amount, order.total.currency, i18n.language);
      setPending({
        prepayId: order.prepay_id,
        summary: t("live.paySummary", { count: quantity, product: title, total }),
      });
    } catch (error) {
      notify(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  async function pay(pin: string) {
    if (!pending) return;
    await ok(
      api.POST("/api/v1/pay/orders/{prepay_id}/confirm", {
        params: { path: { prepay_id: pending.prepayId } },
        body: { pin },
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
    );
    notify(t("live.paid"));
  }

  return {
    buy,
    busy,
    pay,
    summary: pending?.summary ?? "",
    open: pending !== null,
    close: () => setPending(null),
  };
}
