import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { PinSheet } from "../components/PinSheet";
import { formatMoney } from "../i18n/format";
import type { PayOrder } from "./asks";

/** Pay a mini-program's pay order: merchant, amount, a banner for test money, then the PIN
 * (PinSheet shows a wrong PIN and a lockout). */
export function PaymentSheet({
  merchant,
  order,
  settle,
}: {
  merchant: string;
  order: PayOrder;
  settle(paid: boolean): void;
}) {
  const { t, i18n } = useTranslation();
  const amount = formatMoney(order.amount, order.currency, i18n.language);
  const paid = useRef(false);

  async function pay(pin: string) {
    await ok(
      api.POST("/api/v1/pay/orders/{prepay_id}/confirm", {
        params: {
          path: { prepay_id: order.prepay_id },
          header: { "Idempotency-Key": `pay-${order.prepay_id}` },
        },
        body: { pin },
      }),
    );
    paid.current = true;
  }

  return (
    <PinSheet
      open
      onOpenChange={(open) => !open && settle(paid.current)}
      pay={pay}
      summary={t("host.pay.summary", { amount, merchant })}
    >
      {order.sandbox && (
        <p className="host-sandbox" role="note">
          {t("host.pay.sandbox")}
        </p>
      )}
      <dl className="host-facts">
        <dt>{t("host.pay.merchant")}</dt>
        <dd>{merchant}</dd>
        <dt>{t("host.pay.item")}</dt>
        <dd>{order.description}</dd>
        <dt>{t("host.pay.amount")}</dt>
        <dd className="host-amount">{amount}</dd>
      </dl>
    </PinSheet>
  );
}
