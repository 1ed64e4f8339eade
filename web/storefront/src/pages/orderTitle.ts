import { useTranslation } from "react-i18next";
import type { Order } from "../api";

/** "Order of 6 Dec 2026, 20:52": what a person knows an order by. Its number (the trade
 * number) is for the brand's support, shown beneath it on the order page. */
export function useOrderTitle() {
  const { t, i18n } = useTranslation();
  return (order: Pick<Order, "created_at">) =>
    t("orders.order", {
      date: new Date(order.created_at).toLocaleString(i18n.language, {
        dateStyle: "medium",
        timeStyle: "short",
      }),
    });
}
