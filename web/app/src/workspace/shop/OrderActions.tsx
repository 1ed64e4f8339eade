import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";

type Order = Schemas["StaffOrderOutput"];

const REFUNDABLE: Order["status"][] = ["paid", "shipped", "delivered"];
const CANCELLABLE: Order["status"][] = ["created", "paid"];

/** What is still refundable of the order: not refunded, nor on its way back. */
export function refundableOf(order: Order): number {
  return order.total.amount - order.refunded.amount - order.refund_pending.amount;
}

/** The brand's refund (full or partial) and cancel buttons of one order. */
export function OrderActions({ order, shopId }: { order: Order; shopId: number }) {
  return (
    <span className="order-actions">
      {REFUNDABLE.includes(order.status) && refundableOf(order) > 0 && (
        <Refund order={order} shopId={shopId} />
      )}
      {CANCELLABLE.includes(order.status) && <Cancel order={order} shopId={shopId} />}
    </span>
  );
}

function useOrdersChanged(shopId: number) {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: ["workspace", "orders", shopId] });
}

function Refund({ order, shopId }: { order: Order; shopId: number }) {
  const { t, i18n } = useTranslation();
  const notify = useToast();
  const changed = useOrdersChanged(shopId);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const currency = order.total.currency;
  const refundable = refundableOf(order);
  const amount = text === "" ? refundable : parseMoney(text, currency);
  const invalid = amount === null || amount > refundable;
  const money = (value: number) => formatMoney(value, currency, i18n.language);
  const refund = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/manage/orders/{order_id}/refund", {
          params: { path: { shop_id: shopId, order_id: order.id } },
          body: { amount },
        }),
      ),
    onSuccess: (made) => {
      notify(t("shopDesk.orders.refunded", { id: order.id, amount: money(made.amount) }));
      setOpen(false);
      setText("");
      changed();
    },
    onError: (error) => notify(errorText(error)),
  });
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t("shopDesk.orders.refund")}
      </button>
    );
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!invalid) refund.mutate();
  }
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      aria-label={t("shopDesk.orders.refundOrder", { id: order.id })}
    >
      <input
        inputMode="decimal"
        aria-label={t("shopDesk.orders.refundAmount", { currency })}
        placeholder={t("shopDesk.orders.refundAll", { amount: money(refundable) })}
        aria-invalid={invalid}
        aria-describedby={`refund-help-${order.id}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <span id={`refund-help-${order.id}`} className={invalid ? "field-error" : "muted"}>
        {invalid
          ? t("shopDesk.orders.refundInvalid", { amount: money(refundable) })
          : t("shopDesk.orders.refundUpTo", { amount: money(refundable) })}
      </span>
      <button type="submit" disabled={invalid || refund.isPending}>
        {t("shopDesk.orders.confirmRefund", { amount: amount ? money(amount) : "" })}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        {t("shopDesk.orders.back")}
      </button>
    </form>
  );
}

function Cancel({ order, shopId }: { order: Order; shopId: number }) {
  const { t } = useTranslation();
  const notify = useToast();
  const changed = useOrdersChanged(shopId);
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/manage/orders/{order_id}/cancel", {
          params: { path: { shop_id: shopId, order_id: order.id } },
        }),
      ),
    onSuccess: () => {
      notify(t("shopDesk.orders.cancelled", { id: order.id }));
      setAsking(false);
      changed();
    },
    onError: (error) => notify(errorText(error)),
  });
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        {t("shopDesk.orders.cancel")}
      </button>
    );
  return (
    <span role="group" aria-label={t("shopDesk.orders.cancelOrder", { id: order.id })}>
      <span>
        {order.status === "paid"
          ? t("shopDesk.orders.cancelPaidQuestion", { id: order.id })
          : t("shopDesk.orders.cancelQuestion", { id: order.id })}
      </span>{" "}
      <button type="button" className="danger" onClick={() => cancel.mutate()}>
        {t("shopDesk.orders.confirmCancel")}
      </button>{" "}
      <button type="button" onClick={() => setAsking(false)}>
        {t("shopDesk.orders.keep")}
      </button>
    </span>
  );
}
