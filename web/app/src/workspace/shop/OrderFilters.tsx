import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";

type OrderStatus = Schemas["ShopOrderStatusEnum"];

export const STATUSES: OrderStatus[] = [
  "created",
  "paid",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "refund_requested",
  "refunded",
];

export interface Filters {
  status: OrderStatus | "";
  q: string;
  from: string;
  to: string;
}

export const NO_FILTERS: Filters = { status: "", q: "", from: "", to: "" };

/** The orders list's query: only what is set. */
export function orderQuery(filters: Filters) {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.from ? { created_from: filters.from } : {}),
    ...(filters.to ? { created_to: filters.to } : {}),
  };
}

/** Status, the days the orders were placed between, and a search by number or buyer. */
export function OrderFilters({
  filters,
  onChange,
}: {
  filters: Filters;
  onChange: (filters: Filters) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="order-filters" role="search" aria-label={t("shopDesk.orders.filters")}>
      <div className="field">
        <label htmlFor="order-status">{t("workspace.orders.filter")}</label>
        <select
          id="order-status"
          value={filters.status}
          onChange={(e) => onChange({ ...filters, status: e.target.value as OrderStatus | "" })}
        >
          <option value="">{t("workspace.orders.all")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`workspace.orders.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="order-search">{t("shopDesk.orders.search")}</label>
        <input
          id="order-search"
          type="search"
          placeholder={t("shopDesk.orders.searchHint")}
          value={filters.q}
          onChange={(e) => onChange({ ...filters, q: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="order-from">{t("shopDesk.orders.from")}</label>
        <input
          id="order-from"
          type="date"
          value={filters.from}
          max={filters.to || undefined}
          onChange={(e) => onChange({ ...filters, from: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="order-to">{t("shopDesk.orders.to")}</label>
        <input
          id="order-to"
          type="date"
          value={filters.to}
          min={filters.from || undefined}
          onChange={(e) => onChange({ ...filters, to: e.target.value })}
        />
      </div>
    </div>
  );
}
