import { useTranslation } from "react-i18next";
import type { Schemas } from "../../api/client";
import { SelectField, TextField } from "../../components/Form";

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
  const set = (key: keyof Filters) => (value: string) => onChange({ ...filters, [key]: value });
  return (
    <div className="order-filters" role="search" aria-label={t("shopDesk.orders.filters")}>
      <SelectField
        id="order-status"
        label={t("workspace.orders.filter")}
        value={filters.status}
        onChange={set("status")}
      >
        <option value="">{t("workspace.orders.all")}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`workspace.orders.status.${s}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        id="order-search"
        label={t("shopDesk.orders.search")}
        type="search"
        placeholder={t("shopDesk.orders.searchHint")}
        value={filters.q}
        onChange={set("q")}
      />
      {/* Placed between two days: neither end may pass the other. */}
      {(["from", "to"] as const).map((end) => (
        <TextField
          key={end}
          id={`order-${end}`}
          label={t(`shopDesk.orders.${end}`)}
          type="date"
          value={filters[end]}
          min={end === "to" ? filters.from || undefined : undefined}
          max={end === "from" ? filters.to || undefined : undefined}
          onChange={set(end)}
        />
      ))}
    </div>
  );
}
