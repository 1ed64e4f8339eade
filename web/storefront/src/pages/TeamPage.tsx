import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ok } from "../api";
import { useProduct, useTeam } from "../queries";
import { sdk, sdkErrorCode } from "../sdk";
import { useStore } from "../store";
import { asAddressInput, useAddressPicker } from "./AddressPicker";
import { Status } from "./Status";

/** A team purchase: who joined, join it (to a saved or new address), share it to a chat. */
export function TeamPage({ teamId }: { teamId: number }) {
  const { t, i18n } = useTranslation();
  const { api, go } = useStore();
  const team = useTeam(teamId);
  const product = useProduct(team.data?.product_id);
  const { shipTo, picker } = useAddressPicker();
  const [shared, setShared] = useState<string | null>(null);
  const sku = product.data?.skus.find((item) => (item.stock ?? 0) > 0);
  const join = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shop/teams/{team_id}/join", {
          params: { path: { team_id: teamId } },
          body: { sku_id: sku!.id, quantity: 1, shipping_address: asAddressInput(shipTo!) },
        }),
      ),
    onSuccess: (order) => go({ page: "order", id: order.id }),
  });
  const share = async () => {
    const card = team.data!.card;
    try {
      await sdk().share({
        title: t("team.shareTitle", { title: product.data?.title ?? card.title }),
        pagePath: `/teams/${teamId}`,
        imageUrl: card.image ?? new URL("storefront-card.svg", window.location.href).href,
      });
      setShared(t("team.shared"));
    } catch (error) {
      setShared(t("error", { code: sdkErrorCode(error) }));
    }
  };
  if (!team.data) return <Status loading={team.isPending} error={team.error} />;
  const data = team.data;
  const status = data.status ?? "open";
  return (
    <article aria-labelledby="sf-team-title">
      <h1 id="sf-team-title">{t("team.title")}</h1>
      {product.data && <h2>{product.data.title}</h2>}
      <p role="status" data-status={status}>
        {t(`team.status.${status}`)} · {t("team.members", { count: data.members })}
      </p>
      <p>
        {t("team.expires", {
          time: new Date(data.expires_at).toLocaleString(i18n.language),
        })}
      </p>
      <button type="button" onClick={() => void share()}>
        {t("team.share")}
      </button>
      {shared && <p role="status">{shared}</p>}
      {status === "open" && (
        <section className="sf-box" aria-label={t("team.join")}>
          {picker}
          <Status loading={false} error={join.error} />
          <button
            type="button"
            disabled={!shipTo || !sku || join.isPending}
            onClick={() => join.mutate()}
          >
            {t("team.join")}
          </button>
        </section>
      )}
    </article>
  );
}
