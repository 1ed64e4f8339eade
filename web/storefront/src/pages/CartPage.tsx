import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ok } from "../api";
import { useCart, useMyCoupons } from "../queries";
import { useStore } from "../store";
import { useAddressPicker } from "./AddressPicker";
import { useMoney } from "./Money";
import { Status } from "./Status";

/** Coupons: the person's own (loyalty rewards turn into these) or a typed code. */
function CouponField({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { config } = useStore();
  const coupons = useMyCoupons();
  const mine = coupons.data?.results ?? [];
  const known = mine.some((coupon) => coupon.code === value);
  return (
    <fieldset>
      <legend>{t("checkout.coupon")}</legend>
      <label className="sf-field">
        {t("checkout.coupon")}
        <select value={known ? value : ""} onChange={(event) => onChange(event.target.value)}>
          <option value="">{t("checkout.noCoupon")}</option>
          {mine.map((coupon) => (
            <option key={coupon.id} value={coupon.code}>
              {t("checkout.rewardCoupon", {
                code: coupon.code,
                value:
                  coupon.kind === "percent"
                    ? `${coupon.value}%`
                    : money(coupon.value, coupon.currency ?? config.currency),
              })}
            </option>
          ))}
        </select>
      </label>
      <label className="sf-field">
        {t("checkout.couponCode")}
        <input
          value={known ? "" : value}
          onChange={(event) => onChange(event.target.value.trim().toUpperCase())}
        />
      </label>
    </fieldset>
  );
}

/** The cart, and checking it out to a saved or new address with a coupon. */
export function CartPage() {
  const { t } = useTranslation();
  const money = useMoney();
  const { api, config, go } = useStore();
  const queries = useQueryClient();
  const cart = useCart();
  const { shipTo, picker } = useAddressPicker();
  const [coupon, setCoupon] = useState("");
  const setItem = useMutation({
    mutationFn: (body: { sku_id: number; quantity: number }) =>
      ok(
        api.PUT("/api/v1/shops/{shop_id}/cart/items", {
          params: { path: { shop_id: config.shop_id } },
          body,
        }),
      ),
    onSuccess: (data) => queries.setQueryData(["shop", config.shop_id, "cart"], data),
  });
  const checkout = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/checkout", {
          params: { path: { shop_id: config.shop_id } },
          body: {
            ...(coupon ? { coupon_code: coupon } : {}),
            ...(shipTo && "address" in shipTo
              ? { address_id: shipTo.address.id }
              : { shipping_address: shipTo!.shipping_address }),
          },
        }),
      ),
    onSuccess: (order) => {
      void queries.invalidateQueries({ queryKey: ["shop", config.shop_id] });
      go({ page: "order", id: order.id });
    },
  });
  const items = cart.data?.items ?? [];
  return (
    <section aria-labelledby="sf-cart">
      <h1 id="sf-cart">{t("cart.title")}</h1>
      <Status loading={cart.isPending} error={cart.error} />
      {cart.isSuccess && items.length === 0 && <p>{t("cart.empty")}</p>}
      <ul className="sf-lines" aria-label={t("cart.title")}>
        {items.map((item) => {
          const price = item.prices.find((p) => p.currency === config.currency)?.amount;
          return (
            <li key={item.sku_id}>
              <span>
                {item.title} · {Object.values(item.options).join(" · ")} × {item.quantity}
              </span>
              {price !== undefined && <span>{money(price * item.quantity, config.currency)}</span>}
              <button
                type="button"
                onClick={() => setItem.mutate({ sku_id: item.sku_id, quantity: 0 })}
              >
                {t("cart.remove")}
              </button>
            </li>
          );
        })}
      </ul>
      {items.length > 0 && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            checkout.mutate();
          }}
        >
          {picker}
          <CouponField value={coupon} onChange={setCoupon} />
          <Status loading={false} error={checkout.error} />
          <button type="submit" disabled={!shipTo || checkout.isPending}>
            {t("checkout.place")}
          </button>
        </form>
      )}
    </section>
  );
}
