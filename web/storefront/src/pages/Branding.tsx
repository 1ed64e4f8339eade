import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../api";
import { useShop } from "../queries";

type Banner = Schemas["BannerOutput"];

/** The brand's accent colour on every page of the storefront, once the shop is known. */
export function ShopAccent() {
  const shop = useShop();
  const accent = shop.data?.accent_color;
  useEffect(() => {
    if (!accent) return;
    document.documentElement.style.setProperty("--sf-accent", accent);
    return () => {
      document.documentElement.style.removeProperty("--sf-accent");
    };
  }, [accent]);
  return null;
}

/** The brand's home banners: each opens its collection or product when it links to one. */
export function Banners({
  banners,
  onOpen,
}: {
  banners: Banner[];
  onOpen: (link: NonNullable<Banner["link"]>) => void;
}) {
  const { t } = useTranslation();
  if (banners.length === 0) return null;
  return (
    <section className="sf-banners" aria-label={t("home.featured")}>
      {banners.map((banner, index) => {
        const image = <img src={banner.image} alt={t("home.bannerImage", { number: index + 1 })} />;
        const link = banner.link;
        return link ? (
          <button
            key={banner.image + index}
            type="button"
            className="sf-banner-image"
            onClick={() => onOpen(link)}
          >
            {image}
          </button>
        ) : (
          <div key={banner.image + index} className="sf-banner-image">
            {image}
          </div>
        );
      })}
    </section>
  );
}
