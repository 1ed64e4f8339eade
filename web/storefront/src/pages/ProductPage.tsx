import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ok, priceOf, type Sku } from "../api";
import { photoAddresses } from "../photos";
import { useCart, useProduct, useReviews } from "../queries";
import { useStore } from "../store";
import { asAddressInput, useAddressPicker } from "./AddressPicker";
import { useMoney } from "./Money";
import { Status } from "./Status";

function optionText(sku: Sku): string {
  return Object.values((sku.options ?? {}) as Record<string, string>).join(" · ") || sku.code;
}

/** A review's photos, small; one opens full size over the page. */
function ReviewPhotoList({ photos }: { photos: string[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<number | null>(null);
  if (photos.length === 0) return null;
  return (
    <>
      <ul className="sf-photos">
        {photos.map((url, index) => (
          <li key={url}>
            <button
              type="button"
              className="sf-photo-button"
              aria-label={t("review.openPhoto", { number: index + 1 })}
              onClick={() => setOpen(index)}
            >
              <img src={url} alt="" loading="lazy" />
            </button>
          </li>
        ))}
      </ul>
      {open !== null && (
        <div
          className="sf-viewer"
          role="dialog"
          aria-modal="true"
          aria-label={t("review.photo", { number: open + 1 })}
          onKeyDown={(event) => event.key === "Escape" && setOpen(null)}
        >
          <img src={photos[open]} alt={t("review.photo", { number: open + 1 })} />
          <button type="button" autoFocus onClick={() => setOpen(null)}>
            {t("review.closePhoto")}
          </button>
        </div>
      )}
    </>
  );
}

function Reviews({ productId }: { productId: number }) {
  const { t } = useTranslation();
  const reviews = useReviews(productId);
  const list = reviews.data?.results ?? [];
  return (
    <section aria-labelledby="sf-reviews">
      <h2 id="sf-reviews">{t("product.reviews")}</h2>
      <Status loading={reviews.isPending} error={reviews.error} />
      {reviews.isSuccess && list.length === 0 && <p>{t("product.noReviews")}</p>}
      <ul className="sf-reviews">
        {list.map((review) => (
          <li key={review.id}>
            <span aria-label={t("product.rating", { rating: review.rating })}>
              {"★".repeat(review.rating)}
            </span>{" "}
            <strong>{review.author}</strong>
            {review.text && <p>{review.text}</p>}
            <ReviewPhotoList photos={photoAddresses(review.photos)} />
            {review.brand_reply && <p className="sf-muted">{review.brand_reply}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TeamStart({ productId, sku }: { productId: number; sku: Sku }) {
  const { t } = useTranslation();
  const { api, config, go } = useStore();
  const { shipTo, picker } = useAddressPicker();
  const start = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/products/{product_id}/teams", {
          params: { path: { shop_id: config.shop_id, product_id: productId } },
          body: { sku_id: sku.id, quantity: 1, shipping_address: asAddressInput(shipTo!) },
        }),
      ),
    onSuccess: (order) => go({ page: "order", id: order.id }),
  });
  return (
    <section aria-labelledby="sf-team" className="sf-box">
      <h2 id="sf-team">{t("product.team")}</h2>
      {picker}
      <Status loading={false} error={start.error} />
      <button type="button" disabled={!shipTo || start.isPending} onClick={() => start.mutate()}>
        {t("product.startTeam")}
      </button>
    </section>
  );
}

/** Variants with their stock and price, add to cart, reviews, and team purchase. */
export function ProductPage({ productId }: { productId: number }) {
  const { t } = useTranslation();
  const money = useMoney();
  const { api, config } = useStore();
  const queries = useQueryClient();
  const product = useProduct(productId);
  const cart = useCart();
  const [skuId, setSkuId] = useState<number | null>(null);
  const [quantity, setQuantity] = useState(1);
  const skus = product.data?.skus ?? [];
  const sku = skus.find((item) => item.id === skuId) ?? skus.find((item) => (item.stock ?? 0) > 0);
  const inCart = cart.data?.items.find((item) => item.sku_id === sku?.id)?.quantity ?? 0;
  const add = useMutation({
    mutationFn: () =>
      ok(
        api.PUT("/api/v1/shops/{shop_id}/cart/items", {
          params: { path: { shop_id: config.shop_id } },
          body: { sku_id: sku!.id, quantity: inCart + quantity },
        }),
      ),
    onSuccess: (data) => queries.setQueryData(["shop", config.shop_id, "cart"], data),
  });
  if (!product.data) return <Status loading={product.isPending} error={product.error} />;
  const item = product.data;
  const price = priceOf(sku, config.currency);
  const stock = sku?.stock ?? 0;
  const tiers = item.team_tiers
    .map((tier) => t("product.teamTier", { size: tier.size, percent: tier.discount_percent }))
    .join(", ");
  return (
    <article>
      <h1>{item.title}</h1>
      {item.description && <p>{item.description}</p>}
      {price !== undefined && <p className="sf-price">{money(price, config.currency)}</p>}
      <fieldset>
        <legend>{t("product.option")}</legend>
        {skus.map((option) => (
          <label key={option.id} className="sf-radio">
            <input
              type="radio"
              name="sku"
              checked={option.id === sku?.id}
              disabled={(option.stock ?? 0) === 0}
              onChange={() => setSkuId(option.id)}
            />
            {optionText(option)}
          </label>
        ))}
      </fieldset>
      <p>{stock > 0 ? t("product.inStock", { count: stock }) : t("product.soldOut")}</p>
      <label className="sf-field">
        {t("product.quantity")}
        <input
          type="number"
          min={1}
          max={Math.max(stock, 1)}
          value={quantity}
          onChange={(event) => setQuantity(Math.max(1, Number(event.target.value) || 1))}
        />
      </label>
      <button
        type="button"
        disabled={!sku || stock === 0 || add.isPending}
        onClick={() => add.mutate()}
      >
        {t("product.addToCart")}
      </button>
      {add.isSuccess && <p role="status">{t("product.added")}</p>}
      <Status loading={false} error={add.error} />
      {tiers && <p>{t("product.teamTiers", { tiers })}</p>}
      {tiers && sku && <TeamStart productId={item.id} sku={sku} />}
      <Reviews productId={item.id} />
    </article>
  );
}
