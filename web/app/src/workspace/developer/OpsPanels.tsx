import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { ErrorView } from "../../components/Status";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { devKeys } from "./useDeveloper";

type Delivery = Schemas["WebhookDeliveryOutput"];
const DAY = 86_400;

/** The app's rate-limited calls: how much of each window is used. */
export function QuotasPanel({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const quotas = useQuery({
    queryKey: ["workspace", "dev", "app", appId, "quotas"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/dev/miniprograms/{app_id}/quotas", {
          params: { path: { app_id: appId } },
        }),
      ),
    select: (page) => page.results,
  });
  return (
    <section aria-labelledby="quotas-heading" className="padded">
      <h2 id="quotas-heading">{t("developer.quotas.title")}</h2>
      {quotas.isError && <ErrorView error={quotas.error} retry={() => void quotas.refetch()} />}
      <ul className="list">
        {quotas.data?.map((quota) => (
          <li key={quota.name} className="row dev-quota">
            <span className="row-main">
              <span className="row-title">{quota.name}</span>
              <span className="row-sub">
                {quota.window_seconds >= DAY
                  ? t("developer.quotas.usedDays", {
                      used: quota.used,
                      limit: quota.limit,
                      count: Math.round(quota.window_seconds / DAY),
                    })
                  : t("developer.quotas.used", {
                      used: quota.used,
                      limit: quota.limit,
                      count: Math.round(quota.window_seconds / 60),
                    })}
              </span>
            </span>
            <meter
              min={0}
              max={quota.limit}
              value={quota.used}
              aria-label={t("developer.quotas.meter", { name: quota.name })}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Every notification sent to the app's server, each attempt, and a replay button. */
export function WebhookLog({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const deliveries = useQuery({
    queryKey: devKeys.webhooks(appId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/dev/miniprograms/{app_id}/webhooks", {
          params: { path: { app_id: appId } },
        }),
      ),
    select: (page) => page.results,
  });
  const replay = useMutation({
    mutationFn: (delivery: Delivery) =>
      ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/webhooks/{delivery_id}/replay", {
          params: { path: { app_id: appId, delivery_id: delivery.id } },
        }),
      ),
    onSuccess: (delivery) => {
      notify(t("developer.webhooks.replayed", { event: delivery.event_type }));
      void queryClient.invalidateQueries({ queryKey: devKeys.webhooks(appId) });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="webhooks-heading" className="padded">
      <h2 id="webhooks-heading">{t("developer.webhooks.title")}</h2>
      {deliveries.isError && (
        <ErrorView error={deliveries.error} retry={() => void deliveries.refetch()} />
      )}
      {deliveries.data?.length === 0 && <p className="muted">{t("developer.webhooks.none")}</p>}
      <ul className="list">
        {deliveries.data?.map((delivery) => (
          <DeliveryRow
            key={delivery.id}
            delivery={delivery}
            busy={replay.isPending}
            onReplay={() => replay.mutate(delivery)}
          />
        ))}
      </ul>
    </section>
  );
}

function DeliveryRow({
  delivery,
  busy,
  onReplay,
}: {
  delivery: Delivery;
  busy: boolean;
  onReplay: () => void;
}) {
  const { t, i18n } = useTranslation();
  const last = delivery.log[delivery.log.length - 1];
  return (
    <li className="row">
      <span className="row-main">
        <span className="row-title">
          {delivery.event_type} · {delivery.status}
        </span>
        <span className="row-sub">
          {formatDateTime(delivery.created_at, i18n.language)} ·{" "}
          {t("developer.webhooks.attempts", { count: delivery.attempts })}
          {last
            ? ` · ${last.status_code ?? last.error} (${t("developer.webhooks.ms", { ms: last.duration_ms })})`
            : ""}
        </span>
      </span>
      <button
        type="button"
        disabled={busy}
        aria-label={t("developer.webhooks.replay", { event: delivery.event_type })}
        onClick={onReplay}
      >
        {t("developer.webhooks.replayShort")}
      </button>
    </li>
  );
}
