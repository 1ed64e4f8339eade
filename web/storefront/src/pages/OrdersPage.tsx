import { useTranslation } from "react-i18next";
import { useOrders } from "../queries";
import { useStore } from "../store";
import { useMoney } from "./Money";
import { useOrderTitle } from "./orderTitle";
import { Status } from "./Status";

export function OrdersPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const { config, go } = useStore();
  const orders = useOrders();
  const orderTitle = useOrderTitle();
  const mine = (orders.data?.results ?? []).filter((order) => order.shop_id === config.shop_id);
  return (
    <section aria-labelledby="sf-orders">
      <h1 id="sf-orders">{t("orders.title")}</h1>
      <Status loading={orders.isPending} error={orders.error} />
      {orders.isSuccess && mine.length === 0 && <p>{t("orders.empty")}</p>}
      <ul className="sf-lines">
        {mine.map((order) => (
          <li key={order.id}>
            <button type="button" onClick={() => go({ page: "order", id: order.id })}>
              {orderTitle(order)}
            </button>
            <span>{t(`orders.status.${order.status ?? "created"}`)}</span>
            <span>{money(order.total.amount, order.total.currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
