import { useState } from "react";
import type { ChangeEvent, FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { fieldError } from "../../api/errors";
import { uploadMedia } from "../../api/upload";
import { chosenImages } from "../../components/Photo";
import { errorText, useToast } from "../../components/Toast";

type Shop = Schemas["ShopOutput"];
type Link = Schemas["BannerLinkRequest"];

/** An image chosen for the branding: an upload (sent by id) or what is stored (by URL). */
interface Picture {
  ref: number | string;
  url: string;
}

interface DraftBanner {
  picture: Picture;
  link: Link | null;
}

const DEFAULT_ACCENT = "#1f2a44";
const COLOR = /^#[0-9a-fA-F]{6}$/;

function useUploadPicture(onDone: (picture: Picture) => void) {
  const notify = useToast();
  return useMutation({
    mutationFn: (file: File) => uploadMedia(file, "product"),
    onSuccess: (media) => onDone({ ref: media.id, url: media.url ?? "" }),
    onError: (error) => notify(errorText(error)),
  });
}

/** The storefront's logo, accent colour and home banners, with a live preview of its header. */
export function BrandingEditor({ shop }: { shop: Shop }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [accent, setAccent] = useState(shop.accent_color || DEFAULT_ACCENT);
  const [logo, setLogo] = useState<Picture | null>(
    shop.logo ? { ref: shop.logo, url: shop.logo } : null,
  );
  const [banners, setBanners] = useState<DraftBanner[]>(
    shop.banners.map((b) => ({ picture: { ref: b.image, url: b.image }, link: b.link })),
  );
  const logoUpload = useUploadPicture(setLogo);
  const bannerUpload = useUploadPicture((picture) =>
    setBanners((list) => [...list, { picture, link: null }]),
  );
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PATCH("/api/v1/shops/{shop_id}/branding", {
          params: { path: { shop_id: shop.id } },
          body: {
            accent_color: accent,
            logo: logo ? logo.ref : null,
            banners: banners.map((b) => ({ image: b.picture.ref, link: b.link })),
          },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(["workspace", "shop", shop.brand_id], saved);
      notify(t("shopDesk.branding.saved"));
    },
    onError: (error) => notify(errorText(error)),
  });
  const accentInvalid = !COLOR.test(accent);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!accentInvalid) save.mutate();
  }
  function pick(upload: typeof logoUpload) {
    return (event: ChangeEvent<HTMLInputElement>) => {
      const [file] = chosenImages(event);
      if (file) upload.mutate(file);
      event.target.value = "";
    };
  }
  return (
    <section aria-labelledby="branding-heading" className="padded">
      <h2 id="branding-heading">{t("shopDesk.branding.title")}</h2>
      <StorefrontPreview
        name={shop.name}
        accent={accentInvalid ? DEFAULT_ACCENT : accent}
        logo={logo?.url ?? ""}
        banners={banners.length}
      />
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="brand-logo">{t("shopDesk.branding.logo")}</label>
          <input id="brand-logo" type="file" accept="image/*" onChange={pick(logoUpload)} />
          {logo && (
            <button type="button" onClick={() => setLogo(null)}>
              {t("shopDesk.branding.removeLogo")}
            </button>
          )}
        </div>
        <div className="field">
          <label htmlFor="brand-accent">{t("shopDesk.branding.accent")}</label>
          <span className="branding-colour">
            <input
              type="color"
              aria-label={t("shopDesk.branding.accentPicker")}
              value={accentInvalid ? DEFAULT_ACCENT : accent}
              onChange={(e) => setAccent(e.target.value)}
            />
            <input
              id="brand-accent"
              value={accent}
              maxLength={7}
              aria-invalid={accentInvalid}
              onChange={(e) => setAccent(e.target.value.trim())}
            />
          </span>
          {accentInvalid && <p className="field-error">{t("shopDesk.branding.accentInvalid")}</p>}
          {fieldError(save.error, "accent_color") && (
            <p className="field-error">{fieldError(save.error, "accent_color")}</p>
          )}
        </div>
        <BannerList shop={shop} banners={banners} onChange={setBanners} />
        <div className="field">
          <label htmlFor="brand-banner">{t("shopDesk.branding.addBanner")}</label>
          <input id="brand-banner" type="file" accept="image/*" onChange={pick(bannerUpload)} />
        </div>
        <button
          type="submit"
          disabled={save.isPending || logoUpload.isPending || bannerUpload.isPending}
        >
          {t("shopDesk.branding.save")}
        </button>
      </form>
    </section>
  );
}

/** The storefront's header as shoppers will see it, updated as the owner edits. */
function StorefrontPreview(props: { name: string; accent: string; logo: string; banners: number }) {
  const { t } = useTranslation();
  return (
    <figure className="branding-preview" aria-label={t("shopDesk.branding.preview")}>
      <div className="branding-preview-header" style={{ background: props.accent }}>
        {props.logo && <img src={props.logo} alt={t("shopDesk.branding.logoAlt")} />}
        <strong>{props.name}</strong>
      </div>
      <figcaption className="muted">
        {t("shopDesk.branding.bannerCount", { count: props.banners })}
      </figcaption>
    </figure>
  );
}

function BannerList({
  shop,
  banners,
  onChange,
}: {
  shop: Shop;
  banners: DraftBanner[];
  onChange: (banners: DraftBanner[]) => void;
}) {
  const { t } = useTranslation();
  const targets = useBannerTargets(shop.id);
  if (banners.length === 0) return null;
  return (
    <ul className="list" aria-label={t("shopDesk.branding.banners")}>
      {banners.map((banner, index) => {
        const value = banner.link ? `${banner.link.kind}:${banner.link.id}` : "";
        return (
          <li key={`${banner.picture.url}-${index}`} className="banner-row">
            <img
              className="product-thumb"
              src={banner.picture.url}
              alt={t("shopDesk.branding.bannerAlt", { number: index + 1 })}
            />
            <select
              aria-label={t("shopDesk.branding.bannerLink", { number: index + 1 })}
              value={value}
              onChange={(e) => {
                const [kind, id] = e.target.value.split(":");
                const link = kind ? { kind: kind as Link["kind"], id: Number(id) } : null;
                onChange(banners.map((b, i) => (i === index ? { ...b, link } : b)));
              }}
            >
              <option value="">{t("shopDesk.branding.noLink")}</option>
              {targets.map((target) => (
                <option key={target.value} value={target.value}>
                  {target.label}
                </option>
              ))}
            </select>
            <button type="button" onClick={() => onChange(banners.filter((_, i) => i !== index))}>
              {t("shopDesk.branding.removeBanner", { number: index + 1 })}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** What a banner may open: the shop's collections and products. */
function useBannerTargets(shopId: number) {
  const { t } = useTranslation();
  const collections = useQuery({
    queryKey: ["workspace", "collections", shopId],
    queryFn: () =>
      ok(api.GET("/api/v1/shops/{shop_id}/collections", { params: { path: { shop_id: shopId } } })),
  });
  const products = useQuery({
    queryKey: ["workspace", "products", shopId],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/products", {
          params: { path: { shop_id: shopId } },
        }),
      ),
    select: (page) => page.results,
  });
  return [
    ...(collections.data ?? []).map((c) => ({
      value: `collection:${c.id}`,
      label: t("shopDesk.branding.collection", { title: c.title }),
    })),
    ...(products.data ?? []).map((p) => ({
      value: `product:${p.id}`,
      label: t("shopDesk.branding.product", { title: p.title }),
    })),
  ];
}
