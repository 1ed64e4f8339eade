import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { ScanQrSheet, qrDetectorClass } from "../../components/ScanQrSheet";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";
import { useCurrentTeam } from "../useTeams";
import { Form, TextField } from "../../components/Form";
import type { TillMember } from "./useLoyalty";

function newReference(): string {
  return `till-${Date.now().toString(36)}`;
}

/** At the till, for every member of the brand: find a member by their card's QR code or its
 * number, then record what they bought in store so it earns points. */
export default function InStoreScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const notify = useToast();
  const brandId = team?.id ?? 0;
  const [card, setCard] = useState("");
  const [scanning, setScanning] = useState(false);
  const lookup = useMutation({
    mutationFn: (text: string) =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/members/lookup", {
          params: { path: { brand_id: brandId } },
          body: { card: text.trim() },
        }),
      ),
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    lookup.mutate(card);
  }
  function scanned(text: string) {
    setScanning(false);
    setCard(text);
    lookup.mutate(text);
  }
  const canScan = qrDetectorClass() !== null;
  return (
    <>
      <TopBar title={t("loyaltyWorkspace.inStore.title")} />
      <section aria-labelledby="find-member-heading" className="padded">
        <h2 id="find-member-heading">{t("loyaltyWorkspace.inStore.find")}</h2>
        <p className="muted">{t("loyaltyWorkspace.inStore.findHint")}</p>
        <form className="stack" onSubmit={submit}>
          <TextField
            id="till-card"
            label={t("loyaltyWorkspace.inStore.card")}
            value={card}
            onChange={setCard}
            required
          />
          <div className="loyalty-actions">
            <button type="submit" className="primary" disabled={lookup.isPending}>
              {t("loyaltyWorkspace.inStore.lookUp")}
            </button>
            {canScan && (
              <button type="button" onClick={() => setScanning(true)}>
                {t("loyaltyWorkspace.inStore.scan")}
              </button>
            )}
          </div>
        </form>
        <ScanQrSheet open={scanning} onOpenChange={setScanning} onScanned={scanned} />
      </section>
      {lookup.data && (
        <FoundMember
          key={lookup.data.member_number}
          brandId={brandId}
          member={lookup.data}
          onRecorded={() => lookup.mutate(lookup.data.member_number)}
        />
      )}
    </>
  );
}

function FoundMember({
  brandId,
  member,
  onRecorded,
}: {
  brandId: number;
  member: TillMember;
  onRecorded(): void;
}) {
  const { t, i18n } = useTranslation();
  const notify = useToast();
  const [amount, setAmount] = useState("");
  const [reference, setReference] = useState(newReference);
  const record = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/in-store-purchases", {
          params: { path: { brand_id: brandId } },
          body: {
            card: member.member_number,
            amount: parseMoney(amount, member.currency) ?? 0,
            currency: member.currency,
            reference: reference.trim(),
          },
        }),
      ),
    onSuccess: (purchase) => {
      notify(
        t("loyaltyWorkspace.inStore.recorded", {
          amount: formatMoney(purchase.amount, purchase.currency, i18n.language),
          points: purchase.points_awarded,
          name: member.points_name,
        }),
      );
      setAmount("");
      setReference(newReference());
      onRecorded();
    },
    onError: (error) => notify(errorText(error)),
  });
  const name = member.user.display_name || member.user.username;
  return (
    <section aria-labelledby="till-member-heading" className="padded">
      <h2 id="till-member-heading">{name}</h2>
      <p className="loyalty-member">
        {t("loyaltyWorkspace.inStore.member", {
          number: member.member_number,
          tier: member.tier,
          points: member.points,
          name: member.points_name,
        })}
      </p>
      <Form title={t("loyaltyWorkspace.inStore.purchase")} onSubmit={() => record.mutate()}>
        <TextField
          id="till-amount"
          inputMode="decimal"
          label={t("loyaltyWorkspace.inStore.amount", { currency: member.currency })}
          value={amount}
          onChange={setAmount}
          required
          error={fieldError(record.error, "amount")}
        />
        <TextField
          id="till-reference"
          label={t("loyaltyWorkspace.inStore.reference")}
          value={reference}
          onChange={setReference}
          required
          error={fieldError(record.error, "reference")}
        />
        <button type="submit" className="primary" disabled={record.isPending}>
          {t("loyaltyWorkspace.inStore.record")}
        </button>
      </Form>
    </section>
  );
}
