import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, ok, type Schemas } from "../api/client";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime, formatMoney } from "../i18n/format";
import { useCurrentTeam } from "./useTeams";
import { useBrandShop } from "./useShop";
import { salesPerDay } from "./sales";
import { NO_FILTERS, OrderFilters, orderQuery, type Filters } from "./shop/OrderFilters";
import { OrderActions } from "./shop/OrderActions";

type Order = Schemas["StaffOrderOutput"];
const REFUND_POLL_MS = 1500;

/** The shop's orders, filtered (status, days, search), shipped, refunded or cancelled from
 * here; sales per day above them. */
export default function OrdersScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const shop = useBrandShop(team?.id ?? 0);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const shopId = shop.data?.id;
  const query = orderQuery(filters);
  const orders = useQuery({
    queryKey: ["workspace", "orders", shopId, query],
    enabled: shopId !== undefined,
    placeholderData: (previous) => previous,
    // a refund is paid back by a task: follow it until the money is back with the buyer
    refetchInterval: (query) =>
      query.state.data?.results.some((o) => o.refund_pending.amount > 0) ? REFUND_POLL_MS : false,
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/orders", {
          params: { path: { shop_id: shopId ?? 0 }, query },
        }),
      ),
    select: (page) => page.results,
  });
  if (shop.isPending) return <Loading />;
  if (shop.isError) return <ErrorView error={shop.error} retry={() => void shop.refetch()} />;
  if (shop.data === null) {
    return (
      <>
        <TopBar title={t("workspace.orders.title")} />
        <p className="empty">{t("workspace.orders.noShop")}</p>
      </>
    );
  }
  return (
    <>
      <TopBar title={t("workspace.orders.title")} />
      <SalesChart shopId={shop.data.id} currency={shop.data.currency ?? "EUR"} />
      <section aria-labelledby="orders-heading" className="padded">
        <h2 id="orders-heading">{t("workspace.orders.list")}</h2>
        <OrderFilters filters={filters} onChange={setFilters} />
        {orders.isPending && <Loading />}
        {orders.isError && <ErrorView error={orders.error} retry={() => void orders.refetch()} />}
        {orders.data?.length === 0 && <p className="muted">{t("workspace.orders.none")}</p>}
        <ul className="list" aria-label={t("shopDesk.orders.results")}>
          {orders.data?.map((order) => (
            <OrderRow key={order.id} order={order} shopId={shopId ?? 0} />
          ))}
        </ul>
      </section>
    </>
  );
}

function OrderRow({ order, shopId }: { order: Order; shopId: number }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="row order-row">
      <span className="row-main">
        <span className="row-title">
          {t("workspace.orders.number", { id: order.id })} ·{" "}
          {formatMoney(order.total.amount, order.total.currency, i18n.language)}
          {order.refund_pending.amount > 0 && (
            <>
              {" "}
              ·{" "}
              {t("shopDesk.orders.refundPending", {
                amount: formatMoney(
                  order.refund_pending.amount,
                  order.refund_pending.currency,
                  i18n.language,
                ),
              })}
            </>
          )}
          {order.refunded.amount > 0 && (
            <>
              {" "}
              ·{" "}
              {t("shopDesk.orders.refundedSoFar", {
                amount: formatMoney(order.refunded.amount, order.refunded.currency, i18n.language),
              })}
            </>
          )}
        </span>
        <span className="row-sub">
          @{order.buyer} · {t(`workspace.orders.status.${order.status ?? "created"}`)} ·{" "}
          {formatDateTime(order.created_at, i18n.language)}
        </span>
      </span>
      {order.status === "paid" && <Ship order={order} shopId={shopId} />}
      <OrderActions order={order} shopId={shopId} />
    </li>
  );
}

function Ship({ order, shopId }: { order: Order; shopId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [form, setForm] = useState({ carrier: "", tracking_number: "" });
  const ship = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/manage/orders/{order_id}/ship", {
          params: { path: { shop_id: shopId, order_id: order.id } },
          body: form,
        }),
      ),
    onSuccess: () => {
      notify(t("workspace.orders.shipped", { id: order.id }));
      void queryClient.invalidateQueries({ queryKey: ["workspace", "orders", shopId] });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    ship.mutate();
  }
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      aria-label={t("workspace.orders.shipOrder", { id: order.id })}
    >
      <input
        aria-label={t("workspace.orders.carrier")}
        placeholder={t("workspace.orders.carrier")}
        required
        value={form.carrier}
        onChange={(e) => setForm({ ...form, carrier: e.target.value })}
      />
      <input
        aria-label={t("workspace.orders.tracking")}
        placeholder={t("workspace.orders.tracking")}
        required
        value={form.tracking_number}
        onChange={(e) => setForm({ ...form, tracking_number: e.target.value })}
      />
      <button type="submit" disabled={ship.isPending}>
        {t("workspace.orders.ship")}
      </button>
    </form>
  );
}

function SalesChart({ shopId, currency }: { shopId: number; currency: string }) {
  const { t, i18n } = useTranslation();
  // The last page of every order: the chart sums what was paid, whatever the filter below.
  const orders = useQuery({
    queryKey: ["workspace", "orders", shopId, orderQuery(NO_FILTERS)],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/orders", { params: { path: { shop_id: shopId } } }),
      ),
    select: (page) => page.results,
  });
  const days = salesPerDay(orders.data ?? [], currency, 14, new Date());
  const money = (amount: number) => formatMoney(amount, currency, i18n.language);
  const label = (day: string) =>
    new Intl.DateTimeFormat(i18n.language, { month: "short", day: "numeric" }).format(
      new Date(`${day}T00:00:00Z`),
    );
  const total = days.reduce((sum, d) => sum + d.amount, 0);
  return (
    <section aria-labelledby="sales-heading" className="padded">
      <h2 id="sales-heading">{t("workspace.orders.sales")}</h2>
      <p className="muted">{t("workspace.orders.salesTotal", { total: money(total) })}</p>
      <figure
        className="chart"
        aria-label={t("workspace.orders.salesChart", { total: money(total) })}
      >
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={days}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={label} fontSize={12} />
            <YAxis tickFormatter={money} width={72} fontSize={12} />
            <Tooltip
              formatter={(value) => money(Number(value))}
              labelFormatter={(day) => label(String(day))}
            />
            <Bar dataKey="amount" name={t("workspace.orders.sales")} fill="var(--accent)" />
          </BarChart>
        </ResponsiveContainer>
      </figure>
    </section>
  );
}
