import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { ErrorView, Loading } from "../../components/Status";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { Form, TextField } from "../../components/Form";
import { CountsChart } from "../CountsChart";
import { loyaltyKey, useCampaigns, useSegments, type Campaign } from "./useLoyalty";

/** Compose a campaign to a segment (only consenting clients receive it), and its results. */
export function Campaigns({ brandId, brandName }: { brandId: number; brandName: string }) {
  const { t } = useTranslation();
  const campaigns = useCampaigns(brandId);
  return (
    <section aria-labelledby="campaigns-heading" className="padded">
      <h2 id="campaigns-heading">{t("loyaltyWorkspace.campaigns.title")}</h2>
      <Compose brandId={brandId} brandName={brandName} />
      <h3>{t("loyaltyWorkspace.campaigns.results")}</h3>
      {campaigns.isPending && <Loading />}
      {campaigns.isError && (
        <ErrorView error={campaigns.error} retry={() => void campaigns.refetch()} />
      )}
      {campaigns.data?.length === 0 && (
        <p className="muted">{t("loyaltyWorkspace.campaigns.none")}</p>
      )}
      {campaigns.data && campaigns.data.length > 0 && <ResultsChart campaigns={campaigns.data} />}
      <ul className="list loyalty-list" aria-label={t("loyaltyWorkspace.campaigns.sent")}>
        {campaigns.data?.map((campaign) => <CampaignRow key={campaign.id} campaign={campaign} />)}
      </ul>
    </section>
  );
}

function Compose({ brandId, brandName }: { brandId: number; brandName: string }) {
  const { t } = useTranslation();
  const notify = useToast();
  const queryClient = useQueryClient();
  const segments = useSegments(brandId);
  const [form, setForm] = useState({ segment: "", title: "", body: "" });
  const chosen = segments.data?.find((segment) => String(segment.id) === form.segment);
  const reach = useQuery({
    queryKey: [...loyaltyKey(brandId), "audience", chosen?.filters],
    enabled: chosen !== undefined,
    queryFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/segments/preview", {
          params: { path: { brand_id: brandId } },
          body: chosen?.filters ?? {},
        }),
      ),
  });
  const send = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/campaigns", {
          params: { path: { brand_id: brandId } },
          body: {
            segment_id: Number(form.segment),
            title: form.title.trim(),
            body: form.body.trim(),
          },
        }),
      ),
    onSuccess: (campaign) => {
      notify(t("loyaltyWorkspace.campaigns.sentTo", { count: campaign.recipient_count }));
      setForm({ ...form, title: "", body: "" });
      void queryClient.invalidateQueries({ queryKey: [...loyaltyKey(brandId), "campaigns"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <Form title={t("loyaltyWorkspace.campaigns.compose")} onSubmit={() => send.mutate()}>
      <p className="loyalty-consent-note">
        {t("loyaltyWorkspace.campaigns.consentNote", { brand: brandName })}
      </p>
      <div className="field">
        <label htmlFor="campaign-segment">{t("loyaltyWorkspace.campaigns.segment")}</label>
        <select
          id="campaign-segment"
          required
          value={form.segment}
          onChange={(e) => setForm({ ...form, segment: e.target.value })}
        >
          <option value="">{t("loyaltyWorkspace.campaigns.chooseSegment")}</option>
          {segments.data?.map((segment) => (
            <option key={segment.id} value={segment.id}>
              {segment.name}
            </option>
          ))}
        </select>
      </div>
      {chosen && reach.data && (
        <p className="loyalty-audience" role="status">
          {t("loyaltyWorkspace.campaigns.reach", {
            count: reach.data.size,
            consenting: reach.data.consenting,
          })}
        </p>
      )}
      <TextField
        id="campaign-title"
        label={t("loyaltyWorkspace.campaigns.subject")}
        value={form.title}
        onChange={(title) => setForm({ ...form, title })}
        required
      />
      <div className="field">
        <label htmlFor="campaign-body">{t("loyaltyWorkspace.campaigns.message")}</label>
        <textarea
          id="campaign-body"
          required
          rows={3}
          maxLength={2000}
          value={form.body}
          onChange={(e) => setForm({ ...form, body: e.target.value })}
        />
      </div>
      <button type="submit" className="primary" disabled={send.isPending}>
        {t("loyaltyWorkspace.campaigns.send")}
      </button>
    </Form>
  );
}

function CampaignRow({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="row">
      <span className="row-main">
        <span className="row-title">
          {campaign.title} · {campaign.segment_name}
        </span>
        <span className="row-sub">
          {t("loyaltyWorkspace.campaigns.result", {
            recipients: campaign.recipient_count,
            delivered: campaign.delivered_count,
            skipped: campaign.skipped_without_consent,
          })}{" "}
          · {formatDateTime(campaign.created_at, i18n.language)}
        </span>
      </span>
    </li>
  );
}

function ResultsChart({ campaigns }: { campaigns: Campaign[] }) {
  const { t } = useTranslation();
  const rows = [...campaigns].reverse().map((c) => ({
    title: c.title,
    recipients: c.recipient_count,
    delivered: c.delivered_count,
    skipped: c.skipped_without_consent,
  }));
  const total = rows.reduce((sum, row) => sum + row.recipients, 0);
  return (
    <CountsChart
      label={t("loyaltyWorkspace.campaigns.chart", { count: rows.length, total })}
      rows={rows}
      xKey="title"
      series={[
        {
          key: "recipients",
          name: t("loyaltyWorkspace.campaigns.recipients"),
          fill: "var(--accent)",
        },
        { key: "delivered", name: t("loyaltyWorkspace.campaigns.delivered"), fill: "var(--text)" },
        { key: "skipped", name: t("loyaltyWorkspace.campaigns.skipped"), fill: "var(--muted)" },
      ]}
    />
  );
}
