import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { OneLineForm } from "../../components/Form";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { ErrorView } from "../../components/Status";
import { errorText, useToast } from "../../components/Toast";
import { devKeys, manifestOf, trialVersion, useVersions } from "./useDeveloper";

/** Who may open the trial version, and the QR code that opens it. */
export function TestersPanel({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [username, setUsername] = useState("");
  const testers = useQuery({
    queryKey: devKeys.testers(appId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/dev/miniprograms/{app_id}/testers", {
          params: { path: { app_id: appId } },
        }),
      ),
    select: (page) => page.results,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: devKeys.testers(appId) });
    void queryClient.invalidateQueries({ queryKey: devKeys.sandbox(appId) });
  };
  const add = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/testers", {
          params: { path: { app_id: appId } },
          body: { username: username.trim().replace(/^@/, "") },
        }),
      ),
    onSuccess: (tester) => {
      setUsername("");
      notify(t("developer.testers.added", { username: tester.username }));
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) =>
      ok(
        api.DELETE("/api/v1/dev/miniprograms/{app_id}/testers/{username}", {
          params: { path: { app_id: appId, username: name } },
        }),
      ),
    onSuccess: refresh,
    onError: (error) => notify(errorText(error)),
  });
  const addError = add.isError ? (fieldError(add.error, "username") ?? errorText(add.error)) : "";
  return (
    <section aria-labelledby="testers-heading" className="padded">
      <h2 id="testers-heading">{t("developer.testers.title")}</h2>
      <OneLineForm
        label={t("developer.testers.username")}
        required
        value={username}
        invalid={Boolean(addError)}
        onChange={setUsername}
        onSubmit={() => add.mutate()}
        button={t("developer.testers.add")}
        disabled={add.isPending}
      />
      {addError && (
        <p className="field-error" role="alert">
          {addError}
        </p>
      )}
      {testers.isError && <ErrorView error={testers.error} retry={() => void testers.refetch()} />}
      {testers.data?.length === 0 && <p className="muted">{t("developer.testers.none")}</p>}
      <ul className="list" aria-label={t("developer.testers.title")}>
        {testers.data?.map((tester) => (
          <li key={tester.username} className="row">
            <span className="row-main">
              <span className="row-title">@{tester.username}</span>
            </span>
            <button
              type="button"
              disabled={remove.isPending}
              aria-label={t("developer.testers.remove", { username: tester.username })}
              onClick={() => remove.mutate(tester.username)}
            >
              {t("developer.testers.removeShort")}
            </button>
          </li>
        ))}
      </ul>
      <TrialQr appId={appId} />
    </section>
  );
}

/** The trial version's QR code: a link to the app at its entry page (testers get the trial). */
function TrialQr({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const versions = useVersions(appId);
  const trial = trialVersion(versions.data);
  const entry = trial ? (manifestOf(trial).entry_page ?? "") : "";
  const link = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/links", {
          params: { path: { app_id: appId } },
          body: { path: entry || "pages/index", scene: "trial" },
        }),
      ),
  });
  if (!trial) return <p className="muted">{t("developer.trial.none")}</p>;
  return (
    <div className="dev-trial">
      <h3>{t("developer.trial.title", { version: trial.version })}</h3>
      {link.data ? (
        <figure className="dev-qr">
          <img
            src={link.data.qr_svg}
            alt={t("developer.trial.qrAlt", { version: trial.version })}
          />
          <figcaption>
            <a href={link.data.url}>{link.data.url}</a>
          </figcaption>
        </figure>
      ) : (
        <button type="button" disabled={link.isPending} onClick={() => link.mutate()}>
          {t("developer.trial.show")}
        </button>
      )}
      {link.isError && <p className="field-error">{errorText(link.error)}</p>}
    </div>
  );
}
