import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import type { Schemas } from "../api/client";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { errorText, useToast } from "../components/Toast";

type Grant = Schemas["MpGrantOutput"];
type Standing = Schemas["MpStandingSubscriptionOutput"];

interface AppAccess {
  appId: string;
  name: string;
  scopes: string[];
  subscriptions: Standing[];
}

/** Each app's granted scopes and "always" subscriptions, grouped by app. */
function byApp(grants: Grant[], subscriptions: Standing[]): AppAccess[] {
  const apps = new Map<string, AppAccess>();
  const entry = (appId: string, name: string) => {
    let app = apps.get(appId);
    if (!app) {
      app = { appId, name, scopes: [], subscriptions: [] };
      apps.set(appId, app);
    }
    return app;
  };
  for (const grant of grants) entry(grant.app_id, grant.app_name).scopes.push(grant.scope);
  for (const row of subscriptions) entry(row.app_id, row.app_name).subscriptions.push(row);
  return [...apps.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Me → Mini-program permissions: what each app may see and which messages it may always
 * send, each revocable. */
export default function MiniProgramPermissionsScreen() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const grants = useQuery({
    queryKey: ["grants"],
    queryFn: () => ok(api.GET("/api/v1/me/miniprogram-grants")).then((p) => p.results),
  });
  const subscriptions = useQuery({
    queryKey: ["miniprogram-subscriptions"],
    queryFn: () => ok(api.GET("/api/v1/me/miniprogram-subscriptions")),
  });
  const revokeScope = useMutation({
    mutationFn: ({ appId, scope }: { appId: string; scope: string }) =>
      ok(
        api.DELETE("/api/v1/me/miniprogram-grants/{app_id}/{scope}", {
          params: { path: { app_id: appId, scope } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["grants"] }),
    onError: (error) => notify(errorText(error)),
  });
  const turnOff = useMutation({
    mutationFn: ({ appId, template }: { appId: string; template: string }) =>
      ok(
        api.DELETE("/api/v1/me/miniprogram-subscriptions/{app_id}/{template}", {
          params: { path: { app_id: appId, template } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["miniprogram-subscriptions"] }),
    onError: (error) => notify(errorText(error)),
  });

  const failed = grants.error ?? subscriptions.error;
  return (
    <>
      <TopBar title={t("mpAccess.title")} back />
      {failed ? (
        <ErrorView
          error={failed}
          retry={() => {
            void grants.refetch();
            void subscriptions.refetch();
          }}
        />
      ) : !grants.data || !subscriptions.data ? (
        <Loading />
      ) : (
        <AppList
          apps={byApp(grants.data, subscriptions.data)}
          onRevokeScope={(appId, scope) => revokeScope.mutate({ appId, scope })}
          onTurnOff={(appId, template) => turnOff.mutate({ appId, template })}
        />
      )}
    </>
  );
}

function AppList({
  apps,
  onRevokeScope,
  onTurnOff,
}: {
  apps: AppAccess[];
  onRevokeScope(appId: string, scope: string): void;
  onTurnOff(appId: string, template: string): void;
}) {
  const { t } = useTranslation();
  if (apps.length === 0) return <p className="empty padded">{t("mpAccess.none")}</p>;
  return (
    <>
      {apps.map((app) => (
        <section
          key={app.appId}
          className="padded mp-access-app"
          aria-labelledby={`mp-access-${app.appId}`}
        >
          <h2 id={`mp-access-${app.appId}`}>{app.name}</h2>
          {app.scopes.length > 0 && (
            <ul className="list" aria-label={t("mpAccess.sees", { name: app.name })}>
              {app.scopes.map((scope) => {
                const label = t(`host.scopes.${scope}.name`, { defaultValue: scope });
                return (
                  <li key={scope} className="row">
                    <span className="row-main name">{label}</span>
                    <button
                      type="button"
                      onClick={() => onRevokeScope(app.appId, scope)}
                      aria-label={t("mpAccess.revokeScope", { scope: label, name: app.name })}
                    >
                      {t("me.revoke")}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          {app.subscriptions.length > 0 && (
            <ul className="list" aria-label={t("mpAccess.always", { name: app.name })}>
              {app.subscriptions.map((row) => (
                <li key={row.template} className="row">
                  <span className="row-main">
                    <span className="name">{row.title}</span>
                    <span className="muted small">{t("mpAccess.mode.always")}</span>
                  </span>
                  <button
                    type="button"
                    onClick={() => onTurnOff(app.appId, row.template)}
                    aria-label={t("mpAccess.turnOff", { title: row.title, name: app.name })}
                  >
                    {t("mpAccess.turnOffShort")}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}
