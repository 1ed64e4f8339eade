import { useState } from "react";
import { useTranslation } from "react-i18next";
import { priceOf, type Product } from "../api";
import { useCollections, useProducts, useShop } from "../queries";
import { useStore } from "../store";
import { useMoney } from "./Money";
import { Status } from "./Status";
import { Banners } from "./Branding";

function ProductCard({ product }: { product: Product }) {
  const { t } = useTranslation();
  const { config, go } = useStore();
  const money = useMoney();
  const prices = product.skus
    .map((sku) => priceOf(sku, config.currency))
    .filter((price): price is number => price !== undefined);
  const image = Array.isArray(product.images) ? (product.images[0] as string | undefined) : "";
  return (
    <li>
      <button
        type="button"
        className="sf-card"
        onClick={() => go({ page: "product", id: product.id })}
      >
        {image ? <img src={image} alt="" /> : <span className="sf-placeholder" aria-hidden />}
        <strong>{product.title}</strong>
        {prices.length > 0 && (
          <span>{t("product.from", { price: money(Math.min(...prices), config.currency) })}</span>
        )}
      </button>
    </li>
  );
}

/** The brand's header (logo, accent colour), its banners, its collections as filters, and the products. */
export function HomePage() {
  const { t } = useTranslation();
  const { go } = useStore();
  const shop = useShop();
  const collections = useCollections();
  const [collection, setCollection] = useState<number | null>(null);
  const products = useProducts(collection);
  const list = products.data?.results ?? [];
  return (
    <>
      <header className="sf-banner">
        {shop.data?.logo && (
          <img
            className="sf-logo"
            src={shop.data.logo}
            alt={t("home.logo", { name: shop.data.name })}
          />
        )}
        <h1>{t("home.welcome", { name: shop.data?.name ?? "" })}</h1>
        <p>{t("home.banner")}</p>
      </header>
      <Banners
        banners={shop.data?.banners ?? []}
        onOpen={(link) =>
          link.kind === "product" ? go({ page: "product", id: link.id }) : setCollection(link.id)
        }
      />
      <section aria-labelledby="sf-collections">
        <h2 id="sf-collections">{t("home.collections")}</h2>
        <div className="sf-chips" role="group" aria-labelledby="sf-collections">
          <button
            type="button"
            aria-pressed={collection === null}
            onClick={() => setCollection(null)}
          >
            {t("home.all")}
          </button>
          {(collections.data ?? []).map((item) => (
            <button
              key={item.id}
              type="button"
              aria-pressed={collection === item.id}
              onClick={() => setCollection(item.id)}
            >
              {item.title}
            </button>
          ))}
        </div>
      </section>
      <Status loading={products.isPending} error={products.error} />
      {products.isSuccess && list.length === 0 && <p>{t("home.empty")}</p>}
      <ul className="sf-grid" aria-label={t("home.all")}>
        {list.map((product) => (
          <ProductCard key={product.id} product={product} />
        ))}
      </ul>
    </>
  );
}
