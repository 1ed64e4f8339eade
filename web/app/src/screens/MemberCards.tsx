import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../api/client";
import { Sheet } from "../components/Sheet";
import { ErrorView, Loading } from "../components/Status";

type MemberCard = Schemas["MemberCardOutput"];

/** Me → Member cards: the person's loyalty cards with tier and points; a card shows its QR
 * code (what an associate scans at the till) in a sheet. */
export function MemberCards() {
  const { t, i18n } = useTranslation();
  const [shown, setShown] = useState<MemberCard | null>(null);
  const cards = useQuery({
    queryKey: ["member-cards"],
    queryFn: () => ok(api.GET("/api/v1/me/member-cards")).then((p) => p.results),
  });
  const points = new Intl.NumberFormat(i18n.language);
  return (
    <section aria-labelledby="cards-heading" className="padded">
      <h2 id="cards-heading">{t("me.memberCards")}</h2>
      {cards.isError && <ErrorView error={cards.error} retry={() => void cards.refetch()} />}
      {cards.data?.length === 0 && <p className="empty">{t("me.noMemberCards")}</p>}
      <ul className="list">
        {cards.data?.map((card) => (
          <li key={card.brand_id} className="row">
            <span className="row-main">
              <span className="name">{card.brand_name}</span>
              <span className="muted small">
                {t("me.cardTier", { tier: card.tier, number: card.member_number })}
              </span>
            </span>
            <span>
              {t("me.cardPoints", {
                points: points.format(card.points ?? 0),
                name: card.points_name,
              })}
            </span>
            <button
              type="button"
              onClick={() => setShown(card)}
              aria-label={t("me.showCard", { name: card.brand_name })}
            >
              {t("me.cardQr")}
            </button>
          </li>
        ))}
      </ul>
      {shown && <CardQr card={shown} onClose={() => setShown(null)} />}
    </section>
  );
}

function CardQr({ card, onClose }: { card: MemberCard; onClose(): void }) {
  const { t } = useTranslation();
  const image = useQuery({
    queryKey: ["member-cards", card.brand_id, "png"],
    // The PNG needs the bearer token, so it is fetched and shown as a blob URL.
    queryFn: async () => {
      const png = await ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/card.png", {
          params: { path: { brand_id: card.brand_id } },
          parseAs: "blob",
        }),
      );
      return URL.createObjectURL(png as Blob);
    },
  });
  return (
    <Sheet
      open
      onOpenChange={(open) => !open && onClose()}
      title={card.brand_name}
      description={t("me.cardHint")}
    >
      {image.data ? (
        <img
          className="qr"
          src={image.data}
          alt={t("me.cardQrAlt", { name: card.brand_name })}
          width={220}
          height={220}
        />
      ) : (
        <Loading />
      )}
    </Sheet>
  );
}
