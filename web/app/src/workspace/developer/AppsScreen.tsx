import { useState } from "react";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { can, useCurrentTeam } from "../useTeams";
import { AppPage } from "./AppPage";
import { SecretOnce } from "./SecretOnce";
import { devKeys, useOrganisationApps } from "./useDeveloper";

/** An organisation's mini-programs (`apps`), or one app's page (`apps?app=<app_id>`). */
export default function AppsScreen() {
  const [params] = useSearchParams();
  const appId = params.get("app");
  return appId ? <AppPage appId={appId} /> : <AppList />;
}

function AppList() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const apps = useOrganisationApps(team?.id ?? 0);
  if (!team || apps.isPending) return <Loading />;
  if (apps.isError) return <ErrorView error={apps.error} retry={() => void apps.refetch()} />;
  return (
    <>
      <TopBar title={t("developer.apps.title")} />
      {can.manage(team.role) && <NewApp organisationId={team.id} />}
      <section aria-labelledby="apps-heading" className="padded">
        <h2 id="apps-heading">{t("developer.apps.list")}</h2>
        {apps.data.length === 0 && <p className="muted">{t("developer.apps.none")}</p>}
        <ul className="list">
          {apps.data.map((app) => (
            <li key={app.app_id}>
              <Link className="row" to={`?app=${app.app_id}`}>
                <span className="row-main">
                  <span className="row-title">{app.name}</span>
                  <span className="row-sub">
                    {app.app_id}
                    {app.sandbox ? ` · ${t("developer.sandbox.on")}` : ""}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function NewApp({ organisationId }: { organisationId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/dev/miniprograms", {
          body: { name: name.trim(), organisation: organisationId },
        }),
      ),
    onSuccess: (app) => {
      setName("");
      notify(t("developer.apps.created", { name: app.name }));
      void queryClient.invalidateQueries({ queryKey: devKeys.apps });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  const nameError = fieldError(create.error, "name");
  return (
    <section aria-labelledby="new-app-heading" className="padded">
      <h2 id="new-app-heading">{t("developer.apps.new")}</h2>
      {create.data ? (
        <SecretOnce
          appId={create.data.app_id}
          secret={create.data.app_secret}
          onDone={() => create.reset()}
        />
      ) : (
        <form className="stack" onSubmit={submit}>
          <div className="field">
            <label htmlFor="app-name">{t("developer.apps.name")}</label>
            <input
              id="app-name"
              required
              maxLength={64}
              value={name}
              aria-invalid={nameError ? true : undefined}
              aria-describedby={nameError ? "app-name-error" : undefined}
              onChange={(e) => setName(e.target.value)}
            />
            {nameError && (
              <p id="app-name-error" className="field-error">
                {nameError}
              </p>
            )}
          </div>
          <button type="submit" disabled={create.isPending || !name.trim()}>
            {t("developer.apps.register")}
          </button>
        </form>
      )}
    </section>
  );
}
