import { useState } from "react";
import type { ChangeEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../api/client";
import { fieldError } from "../api/errors";
import { uploadMedia, type Media } from "../api/upload";
import { FormSection, TextField } from "../components/Form";
import { chosenImages } from "../components/Photo";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { errorText, useToast } from "../components/Toast";
import { formatMoney, parseMoney } from "../i18n/format";
import { useCurrentTeam } from "./useTeams";
import { useBrandShop } from "./useShop";
import { BrandingEditor } from "./shop/BrandingEditor";
import { CatalogueImport } from "./shop/CatalogueImport";
import { Collections } from "./shop/Collections";
import { VariantsEditor } from "./shop/VariantsEditor";

type Shop = Schemas["ShopOutput"];
type Product = Schemas["ProductOutput"];

/** The brand's storefront: turn it on, brand it, then its collections and products (variants,
 * stock, prices, photos), added one by one or imported from a CSV file. */
export default function ShopScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const shop = useBrandShop(team?.id ?? 0);
  if (!team || shop.isPending) return <Loading />;
  if (shop.isError) return <ErrorView error={shop.error} retry={() => void shop.refetch()} />;
  return (
    <>
      <TopBar title={t("workspace.shop.title")} />
      {shop.data === null ? (
        <StorefrontOff brandId={team.id} />
      ) : (
        <>
          <Storefront shop={shop.data} />
          <BrandingEditor shop={shop.data} />
          <Collections shopId={shop.data.id} />
          <NewProduct shop={shop.data} />
          <CatalogueImport shopId={shop.data.id} />
          <Products shop={shop.data} />
        </>
      )}
    </>
  );
}

function StorefrontOff({ brandId }: { brandId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [name, setName] = useState("");
  const enable = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/brands/{brand_id}/shop", {
          params: { path: { brand_id: brandId } },
          body: name.trim() ? { name: name.trim() } : {},
        }),
      ),
    onSuccess: (shop) => {
      queryClient.setQueryData(["workspace", "shop", brandId], shop);
      notify(t("workspace.shop.enabled"));
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <FormSection
      id="storefront"
      title={t("workspace.shop.off")}
      hint={t("workspace.shop.offHint")}
      onSubmit={() => enable.mutate()}
    >
      <TextField
        id="shop-name"
        label={t("workspace.shop.name")}
        value={name}
        maxLength={64}
        onChange={setName}
      />
      <button type="submit" disabled={enable.isPending}>
        {t("workspace.shop.turnOn")}
      </button>
    </FormSection>
  );
}

function Storefront({ shop }: { shop: Shop }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="storefront-heading" className="padded">
      <h2 id="storefront-heading">{shop.name}</h2>
      <p className="muted">{t("workspace.shop.on", { currency: shop.currency ?? "EUR" })}</p>
      <Link to={`/apps/${shop.app_id}?path=${encodeURIComponent("/")}`}>
        {t("workspace.shop.open")}
      </Link>
    </section>
  );
}

interface Draft {
  title: string;
  price: string;
  stock: string;
  variants: string;
}

const EMPTY: Draft = { title: "", price: "", stock: "10", variants: "" };

function handleOf(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return `${slug || "product"}-${Date.now().toString(36)}`;
}

function NewProduct({ shop }: { shop: Shop }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const currency = shop.currency ?? "EUR";
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [photo, setPhoto] = useState<Media | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const upload = useMutation({
    mutationFn: (file: File) => uploadMedia(file, "product", setProgress),
    onSuccess: setPhoto,
    onError: (error) => notify(errorText(error)),
    onSettled: () => setProgress(null),
  });
  const create = useMutation({
    mutationFn: async () => {
      const amount = parseMoney(draft.price, currency);
      const variants = draft.variants
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean);
      const product = await ok(
        api.POST("/api/v1/shops/{shop_id}/products", {
          params: { path: { shop_id: shop.id } },
          body: {
            handle: handleOf(draft.title),
            title: draft.title,
            images: photo ? [photo.id] : [],
            option_names: variants.length ? [t("workspace.shop.variantOption")] : [],
          },
        }),
      );
      const codes = variants.length ? variants : [""];
      for (const [index, variant] of codes.entries()) {
        await ok(
          api.POST("/api/v1/shops/{shop_id}/products/{product_id}/skus", {
            params: { path: { shop_id: shop.id, product_id: product.id } },
            body: {
              code: `${product.handle}-${index + 1}`,
              options: variant ? { [t("workspace.shop.variantOption")]: variant } : {},
              stock: Number(draft.stock),
              prices: [{ currency, amount: amount ?? 0 }],
            },
          }),
        );
      }
      return ok(
        api.POST("/api/v1/shops/{shop_id}/products/{product_id}/publish", {
          params: { path: { shop_id: shop.id, product_id: product.id } },
        }),
      );
    },
    onSuccess: (product) => {
      notify(t("workspace.shop.created", { title: product.title }));
      setDraft(EMPTY);
      setPhoto(null);
      void queryClient.invalidateQueries({ queryKey: ["workspace", "products", shop.id] });
    },
    onError: (error) => notify(errorText(error)),
  });
  const priceInvalid = draft.price !== "" && parseMoney(draft.price, currency) === null;
  const set = (key: keyof Draft) => (value: string) => setDraft({ ...draft, [key]: value });
  function pick(event: ChangeEvent<HTMLInputElement>) {
    const [file] = chosenImages(event);
    if (file) upload.mutate(file);
  }
  return (
    <FormSection
      id="new-product"
      title={t("workspace.shop.newProduct")}
      onSubmit={() => {
        if (!priceInvalid) create.mutate();
      }}
    >
      <TextField
        id="product-title"
        label={t("workspace.shop.productTitle")}
        required
        maxLength={200}
        value={draft.title}
        onChange={set("title")}
        error={fieldError(create.error, "title")}
      />
      <TextField
        id="product-price"
        label={t("workspace.shop.price", { currency })}
        required
        inputMode="decimal"
        value={draft.price}
        onChange={set("price")}
        error={priceInvalid ? t("workspace.shop.priceInvalid") : undefined}
      />
      <TextField
        id="product-stock"
        label={t("workspace.shop.stock")}
        type="number"
        required
        value={draft.stock}
        onChange={set("stock")}
      />
      <TextField
        id="product-variants"
        label={t("workspace.shop.variants")}
        placeholder={t("workspace.shop.variantsHint")}
        value={draft.variants}
        onChange={set("variants")}
      />
      <div className="field">
        <label htmlFor="product-photo">{t("workspace.shop.photo")}</label>
        <input id="product-photo" type="file" accept="image/*" onChange={pick} />
        {progress !== null && (
          <progress max={1} value={progress} aria-label={t("workspace.shop.uploading")} />
        )}
        {photo && (
          <img
            className="product-thumb"
            src={photo.url ?? undefined}
            alt={t("workspace.shop.photoChosen")}
          />
        )}
      </div>
      <button type="submit" disabled={create.isPending || upload.isPending}>
        {t("workspace.shop.create")}
      </button>
    </FormSection>
  );
}

function Products({ shop }: { shop: Shop }) {
  const { t, i18n } = useTranslation();
  const products = useQuery({
    queryKey: ["workspace", "products", shop.id],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/products", {
          params: { path: { shop_id: shop.id } },
        }),
      ),
    select: (page) => page.results as Product[],
  });
  return (
    <section aria-labelledby="products-heading" className="padded">
      <h2 id="products-heading">{t("workspace.shop.products")}</h2>
      {products.isPending && <Loading />}
      {products.isError && (
        <ErrorView error={products.error} retry={() => void products.refetch()} />
      )}
      {products.data?.length === 0 && <p className="muted">{t("workspace.shop.noProducts")}</p>}
      <ul className="list">
        {products.data?.map((product) => {
          const images = (product.images as string[] | undefined) ?? [];
          const stock = product.skus.reduce((sum, sku) => sum + (sku.stock ?? 0), 0);
          const price = product.skus[0]?.prices[0];
          return (
            <li key={product.id} className="row">
              {images[0] ? (
                <img className="product-thumb" src={images[0]} alt={product.title} />
              ) : (
                <span className="product-thumb" aria-hidden="true" />
              )}
              <span className="row-main">
                <span className="row-title">{product.title}</span>
                <span className="row-sub">
                  {t(`workspace.shop.status.${product.status ?? "draft"}`)} ·{" "}
                  {t("workspace.shop.inStock", { count: stock })} ·{" "}
                  {t("workspace.shop.variantCount", { count: product.skus.length })}
                  {price && <> · {formatMoney(price.amount, price.currency, i18n.language)}</>}
                </span>
                <VariantsEditor
                  shopId={shop.id}
                  product={product}
                  currency={shop.currency ?? "EUR"}
                />
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
