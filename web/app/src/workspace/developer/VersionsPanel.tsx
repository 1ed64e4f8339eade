import { useRef, useState } from "react";
import type { DragEvent, FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { ApiError } from "../../api/errors";
import { ErrorView, Loading } from "../../components/Status";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { devKeys, useVersions, type Version } from "./useDeveloper";

/** Upload a bundle (drop a zip), then each version with what may be done to it next. */
export function VersionsPanel({ appId, manager }: { appId: string; manager: boolean }) {
  const { t } = useTranslation();
  const versions = useVersions(appId);
  return (
    <section aria-labelledby="versions-heading" className="padded">
      <h2 id="versions-heading">{t("developer.versions.title")}</h2>
      <UploadForm appId={appId} />
      {versions.isPending && <Loading />}
      {versions.isError && (
        <ErrorView error={versions.error} retry={() => void versions.refetch()} />
      )}
      {versions.data && <VersionsTable appId={appId} versions={versions.data} manager={manager} />}
    </section>
  );
}

function UploadForm({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState("");
  const [description, setDescription] = useState("");
  const [over, setOver] = useState(false);
  const upload = useMutation({
    mutationFn: (bundle: File) =>
      ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/versions", {
          params: { path: { app_id: appId } },
          body: { version, description, bundle: "" },
          bodySerializer: () => {
            const form = new FormData();
            form.append("version", version);
            form.append("description", description);
            form.append("bundle", bundle, bundle.name);
            return form;
          },
        }),
      ),
    onSuccess: (created) => {
      notify(t("developer.versions.uploaded", { version: created.version }));
      setFile(null);
      setVersion("");
      setDescription("");
      if (input.current) input.current.value = "";
      void queryClient.invalidateQueries({ queryKey: devKeys.versions(appId) });
    },
  });
  function choose(files: FileList | null) {
    upload.reset();
    setFile(files?.[0] ?? null);
  }
  function drop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    choose(event.dataTransfer.files);
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    if (file) upload.mutate(file);
  }
  return (
    <form className="stack" onSubmit={submit} aria-label={t("developer.versions.upload")}>
      <div
        className={over ? "dev-drop dev-drop-over" : "dev-drop"}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <label htmlFor="bundle-file">{t("developer.versions.drop")}</label>
        <input
          id="bundle-file"
          ref={input}
          type="file"
          accept=".zip,application/zip"
          onChange={(e) => choose(e.target.files)}
        />
        {file && (
          <p className="muted small">{t("developer.versions.chosen", { name: file.name })}</p>
        )}
      </div>
      <div className="field">
        <label htmlFor="version-number">{t("developer.versions.number")}</label>
        <input
          id="version-number"
          required
          maxLength={32}
          placeholder="1.0.0"
          value={version}
          onChange={(e) => setVersion(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="version-description">{t("developer.versions.description")}</label>
        <input
          id="version-description"
          maxLength={500}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      {upload.isError && <UploadErrors error={upload.error} />}
      <button type="submit" disabled={!file || !version || upload.isPending}>
        {t("developer.versions.uploadButton")}
      </button>
    </form>
  );
}

/** The API's refusal of a bundle: its summary, then what is wrong with each field. */
function UploadErrors({ error }: { error: Error }) {
  const { t } = useTranslation();
  const fields = error instanceof ApiError ? Object.entries(error.fields) : [];
  return (
    <div role="alert" className="dev-errors" aria-label={t("developer.versions.refused")}>
      <p className="field-error">{errorText(error)}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map(([field, messages]) => (
            <li key={field}>
              <code>{field}</code>: {messages.join(" ")}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

type Action = "trial" | "submit" | "release";

function VersionsTable({
  appId,
  versions,
  manager,
}: {
  appId: string;
  versions: Version[];
  manager: boolean;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: devKeys.versions(appId) });
  const act = useMutation({
    mutationFn: ({ action, id }: { action: Action; id: number }) => {
      const params = { params: { path: { app_id: appId, version_id: id } } };
      if (action === "trial")
        return ok(
          api.POST("/api/v1/dev/miniprograms/{app_id}/versions/{version_id}/trial", params),
        );
      if (action === "submit")
        return ok(
          api.POST("/api/v1/dev/miniprograms/{app_id}/versions/{version_id}/submit", params),
        );
      return ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/versions/{version_id}/release", params),
      );
    },
    onSuccess: (version) => {
      notify(t(`developer.versions.done.${version.status}`, { version: version.version }));
      refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const rollback = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/dev/miniprograms/{app_id}/rollback", {
          params: { path: { app_id: appId } },
        }),
      ),
    onSuccess: (version) => {
      notify(t("developer.versions.rolledBack", { version: version.version }));
      refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  if (versions.length === 0) return <p className="muted">{t("developer.versions.none")}</p>;
  const canRollBack = versions.some((v) => v.status === "superseded");
  const buttons = (v: Version): Action[] => {
    if (v.status === "draft") return ["trial", "submit"];
    if (v.status === "trial") return ["submit"];
    if (v.status === "approved" && manager) return ["release"];
    return [];
  };
  return (
    <>
      <div className="dev-table-wrap">
        <table className="dev-table">
          <caption className="visually-hidden">{t("developer.versions.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("developer.versions.version")}</th>
              <th scope="col">{t("developer.versions.status")}</th>
              <th scope="col">{t("developer.versions.uploadedAt")}</th>
              <th scope="col">{t("developer.versions.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <th scope="row">{v.version}</th>
                <td>
                  {t(`developer.status.${v.status ?? "draft"}`)}
                  {v.status === "rejected" && v.review_reason && (
                    <span className="dev-reason">
                      {t("developer.versions.reason", { reason: v.review_reason })}
                    </span>
                  )}
                </td>
                <td>{formatDateTime(v.created_at, i18n.language)}</td>
                <td>
                  <div className="dev-actions">
                    {buttons(v).map((action) => (
                      <button
                        key={action}
                        type="button"
                        disabled={act.isPending}
                        aria-label={t(`developer.versions.${action}Label`, { version: v.version })}
                        onClick={() => act.mutate({ action, id: v.id })}
                      >
                        {t(`developer.versions.${action}`)}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {manager && canRollBack && (
        <button
          type="button"
          disabled={rollback.isPending}
          onClick={() => {
            if (window.confirm(t("developer.versions.rollbackConfirm"))) rollback.mutate();
          }}
        >
          {t("developer.versions.rollback")}
        </button>
      )}
    </>
  );
}
