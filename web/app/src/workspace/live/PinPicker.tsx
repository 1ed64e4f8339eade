import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import type { Show } from "./useLive";

/** The show's products, one of them pinned for every viewer. */
export function PinPicker({ show, pinnedId }: { show: Show; pinnedId: number | null }) {
  const { t } = useTranslation();
  const notify = useToast();
  const pin = useMutation({
    mutationFn: (productId: number) =>
      ok(
        api.POST("/api/v1/live/shows/{show_id}/pins", {
          params: { path: { show_id: show.id } },
          body: { product_id: productId },
        }),
      ),
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="pin-heading" className="padded">
      <h2 id="pin-heading">{t("liveControl.pins")}</h2>
      <ul className="list">
        {show.products.map((product) => (
          <li key={product.id} className="row">
            <span className="row-main">
              <span className="row-title">{product.title}</span>
              {pinnedId === product.id && (
                <span className="row-sub live-pinned-now">{t("liveControl.pinnedNow")}</span>
              )}
            </span>
            <button
              type="button"
              disabled={pin.isPending || pinnedId === product.id}
              aria-label={t("liveControl.pin", { title: product.title })}
              onClick={() => pin.mutate(product.id)}
            >
              {t("liveControl.pinShort")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
