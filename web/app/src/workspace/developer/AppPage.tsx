import { lazy, Suspense } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney } from "../../i18n/format";
import { can, useCurrentTeam } from "../useTeams";
import { QuotasPanel, WebhookLog } from "./OpsPanels";
import { SecretOnce } from "./SecretOnce";
import { TestersPanel } from "./TestersPanel";
import { VersionsPanel } from "./VersionsPanel";
import { devKeys, useApp, type MiniProgram } from "./useDeveloper";

// The chart brings recharts: loaded with the part of the page that draws it.
const EntryChart = lazy(() => import("./EntryChart"));

/** One mini-program: its secret, versions, testers, sandbox money, quotas, webhooks, entries. */
export function AppPage({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const app = useApp(appId);
  if (!team || app.isPending) return <Loading />;
  if (app.isError) return <ErrorView error={app.error} retry={() => void app.refetch()} />;
  const manager = can.manage(team.role);
  return (
    <>
      <TopBar title={app.data.name} />
      <p className="padded muted">
        <Link to="?">{t("developer.apps.back")}</Link> · {t("developer.app.id")}{" "}
        <code>{app.data.app_id}</code>
      </p>
      {manager && <SecretPanel app={app.data} />}
      <VersionsPanel appId={appId} manager={manager} />
      <TestersPanel appId={appId} />
      <SandboxPanel app={app.data} manager={manager} />
      <QuotasPanel appId={appId} />
      <WebhookLog appId={appId} />
      <Suspense fallback={<Loading />}>
        <EntryChart appId={appId} />
      </Suspense>
    </>
  );
}

function SecretPanel({ app }: { app: MiniProgram }) {
  const { t } = useTranslation();
  const notify = useToast();
  const rotate = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/secret", {
          params: { path: { app_id: app.app_id } },
        }),
      ),
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="secret-panel-heading" className="padded">
      <h2 id="secret-panel-heading">{t("developer.secret.title")}</h2>
      {rotate.data ? (
        <SecretOnce
          appId={app.app_id}
          secret={rotate.data.app_secret}
          onDone={() => rotate.reset()}
        />
      ) : (
        <>
          <p className="muted">{t("developer.secret.hint")}</p>
          <button
            type="button"
            disabled={rotate.isPending}
            onClick={() => {
              if (window.confirm(t("developer.secret.confirm"))) rotate.mutate();
            }}
          >
            {t("developer.secret.rotate")}
          </button>
        </>
      )}
    </section>
  );
}

function SandboxPanel({ app, manager }: { app: MiniProgram; manager: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const money = useQuery({
    queryKey: devKeys.sandbox(app.app_id),
    queryFn: () =>
      ok(
        api.GET("/api/v1/dev/miniprograms/{app_id}/sandbox", {
          params: { path: { app_id: app.app_id } },
        }),
      ),
  });
  const toggle = useMutation({
    mutationFn: (sandbox: boolean) =>
      ok(
        api.PATCH("/api/v1/dev/miniprograms/{app_id}", {
          params: { path: { app_id: app.app_id } },
          body: { sandbox },
        }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(devKeys.app(app.app_id), updated);
      void queryClient.invalidateQueries({ queryKey: devKeys.sandbox(app.app_id) });
      void queryClient.invalidateQueries({ queryKey: devKeys.apps });
    },
    onError: (error) => notify(errorText(error)),
  });
  const format = (amount: number, currency: string) => formatMoney(amount, currency, i18n.language);
  return (
    <section aria-labelledby="sandbox-heading" className="padded">
      <h2 id="sandbox-heading">{t("developer.sandbox.title")}</h2>
      <p className={app.sandbox ? "dev-warning" : "muted"}>
        {app.sandbox ? t("developer.sandbox.onHint") : t("developer.sandbox.offHint")}
      </p>
      {manager && (
        <label className="dev-toggle">
          <input
            type="checkbox"
            checked={app.sandbox}
            disabled={toggle.isPending}
            onChange={(e) => toggle.mutate(e.target.checked)}
          />
          {t("developer.sandbox.toggle")}
        </label>
      )}
      {money.isError && <ErrorView error={money.error} retry={() => void money.refetch()} />}
      {money.data && (
        <dl className="dev-facts">
          <div className="dev-fact">
            <dt>{t("developer.sandbox.merchant")}</dt>
            <dd>
              {money.data.merchant.length === 0
                ? t("developer.sandbox.nothing")
                : money.data.merchant.map((b) => format(b.available, b.currency)).join(" · ")}
            </dd>
          </div>
          {money.data.testers.map((b) => (
            <div key={`${b.username}-${b.currency}`} className="dev-fact">
              <dt>{t("developer.sandbox.tester", { username: b.username })}</dt>
              <dd>{format(b.available, b.currency)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
