import { useTranslation } from "react-i18next";
import { useCart } from "../queries";
import { useStore } from "../store";

/** The storefront's own tabs: shop, cart (with its count) and orders. */
export function TopBar() {
  const { t } = useTranslation();
  const { route, go } = useStore();
  const cart = useCart();
  const count = cart.data?.items.reduce((sum, item) => sum + item.quantity, 0) ?? 0;
  const tabs = [
    { page: "home", label: t("nav.home") },
    { page: "cart", label: count ? `${t("nav.cart")} (${count})` : t("nav.cart") },
    { page: "orders", label: t("nav.orders") },
  ] as const;
  return (
    <nav className="sf-tabs" aria-label={t("nav.home")}>
      {tabs.map((tab) => (
        <button
          key={tab.page}
          type="button"
          aria-current={route.page === tab.page ? "page" : undefined}
          onClick={() => go({ page: tab.page })}
        >
          {tab.label}
        </button>
      ))}
    </nav>
  );
}
