import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";

type Product = Schemas["ProductOutput"];
type Sku = Schemas["SkuOutput"];

/** A product's variants, each with its stock and its price in the shop's currency. */
export function VariantsEditor({
  shopId,
  product,
  currency,
}: {
  shopId: number;
  product: Product;
  currency: string;
}) {
  const { t } = useTranslation();
  return (
    <details className="variants">
      <summary>{t("shopDesk.variants.edit", { title: product.title })}</summary>
      <ul className="list">
        {product.skus.map((sku) => (
          <VariantRow key={sku.id} shopId={shopId} sku={sku} currency={currency} />
        ))}
      </ul>
    </details>
  );
}

function variantName(sku: Sku): string {
  const values = Object.values(sku.options ?? {}).map(String);
  return values.length ? values.join(" / ") : sku.code;
}

function VariantRow({ shopId, sku, currency }: { shopId: number; sku: Sku; currency: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const current = sku.prices.find((p) => p.currency === currency);
  const [stock, setStock] = useState(String(sku.stock ?? 0));
  // empty keeps the price; the current one is the placeholder
  const [price, setPrice] = useState("");
  const name = variantName(sku);
  const amount = parseMoney(price, currency);
  const priceInvalid = price !== "" && amount === null;
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PATCH("/api/v1/shops/{shop_id}/skus/{sku_id}", {
          params: { path: { shop_id: shopId, sku_id: sku.id } },
          body: {
            stock: Number(stock),
            prices: amount !== null ? [{ currency, amount }] : [],
          },
        }),
      ),
    onSuccess: (saved) => {
      notify(t("shopDesk.variants.saved", { name, count: saved.stock ?? 0 }));
      void queryClient.invalidateQueries({ queryKey: ["workspace", "products", shopId] });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!priceInvalid) save.mutate();
  }
  return (
    <li className="row">
      <form
        className="inline-form"
        onSubmit={submit}
        aria-label={t("shopDesk.variants.variant", { name })}
      >
        <span className="row-title">{name}</span>
        <input
          type="number"
          min={0}
          required
          aria-label={t("shopDesk.variants.stock", { name })}
          value={stock}
          onChange={(e) => setStock(e.target.value)}
        />
        <input
          inputMode="decimal"
          aria-label={t("shopDesk.variants.price", { name, currency })}
          aria-invalid={priceInvalid}
          value={price}
          placeholder={current ? formatMoney(current.amount, currency, i18n.language) : ""}
          onChange={(e) => setPrice(e.target.value)}
        />
        <button type="submit" disabled={save.isPending}>
          {t("shopDesk.variants.save")}
        </button>
      </form>
    </li>
  );
}
