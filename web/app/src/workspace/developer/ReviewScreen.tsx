import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { useMe } from "../../screens/useMe";
import { manifestOf, type Version } from "./useDeveloper";

type Brand = Schemas["BrandOutput"];
const QUEUE = ["workspace", "review", "queue"] as const;
const BRANDS = ["workspace", "review", "brands"] as const;

/** `/workspace/review`: platform staff review submitted versions and verify brands. */
export default function ReviewScreen() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorView error={me.error} retry={() => void me.refetch()} />;
  return (
    <div className="layout">
      <TopBar title={t("developer.review.title")} back />
      {me.data.is_staff ? (
        <>
          <ReviewQueue />
          <BrandVerification />
        </>
      ) : (
        <p className="empty">{t("developer.review.staffOnly")}</p>
      )}
    </div>
  );
}

function ReviewQueue() {
  const { t } = useTranslation();
  const queue = useQuery({
    queryKey: QUEUE,
    queryFn: () => ok(api.GET("/api/v1/review/versions")),
    select: (page) => page.results,
  });
  return (
    <section aria-labelledby="queue-heading" className="padded">
      <h2 id="queue-heading">{t("developer.review.queue")}</h2>
      {queue.isPending && <Loading />}
      {queue.isError && <ErrorView error={queue.error} retry={() => void queue.refetch()} />}
      {queue.data?.length === 0 && <p className="muted">{t("developer.review.empty")}</p>}
      <ul className="dev-review-list">
        {queue.data?.map((version) => <SubmittedVersion key={version.id} version={version} />)}
      </ul>
    </section>
  );
}

function SubmittedVersion({ version }: { version: Version }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [reason, setReason] = useState("");
  const manifest = manifestOf(version);
  const name = manifest.name ?? version.app_id;
  const path = { params: { path: { version_id: version.id } } };
  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      ok(
        approve
          ? api.POST("/api/v1/review/versions/{version_id}/approve", { ...path, body: {} })
          : api.POST("/api/v1/review/versions/{version_id}/reject", {
              ...path,
              body: { reason: reason.trim() },
            }),
      ),
    onSuccess: (decided) => {
      notify(
        t(
          decided.status === "approved" ? "developer.review.approved" : "developer.review.rejected",
          {
            name,
            version: decided.version,
          },
        ),
      );
      void queryClient.invalidateQueries({ queryKey: QUEUE });
    },
    onError: (error) => notify(errorText(error)),
  });
  function reject(event: FormEvent) {
    event.preventDefault();
    if (reason.trim()) decide.mutate(false);
  }
  const reasonId = `reject-reason-${version.id}`;
  return (
    <li className="dev-review">
      <details>
        <summary>
          {t("developer.review.item", { name, version: version.version })}{" "}
          <span className="muted small">{version.app_id}</span>
        </summary>
        <dl className="dev-facts">
          <div className="dev-fact">
            <dt>{t("developer.review.description")}</dt>
            <dd>{version.description || "—"}</dd>
          </div>
          <div className="dev-fact">
            <dt>{t("developer.review.pages")}</dt>
            <dd>{manifest.pages.join(", ")}</dd>
          </div>
          <div className="dev-fact">
            <dt>{t("developer.review.scopes")}</dt>
            <dd>{manifest.scopes.join(", ") || "—"}</dd>
          </div>
          <div className="dev-fact">
            <dt>{t("developer.review.size")}</dt>
            <dd>
              {t("developer.review.kb", { kb: Math.ceil((version.bundle_size ?? 0) / 1024) })}
            </dd>
          </div>
          <div className="dev-fact">
            <dt>{t("developer.review.uploaded")}</dt>
            <dd>{formatDateTime(version.created_at, i18n.language)}</dd>
          </div>
        </dl>
      </details>
      <div className="inline-form">
        <button
          type="button"
          disabled={decide.isPending}
          aria-label={t("developer.review.approve", { name, version: version.version })}
          onClick={() => decide.mutate(true)}
        >
          {t("developer.review.approveShort")}
        </button>
      </div>
      <form
        className="stack"
        onSubmit={reject}
        aria-label={t("developer.review.reject", { name, version: version.version })}
      >
        <div className="field">
          <label htmlFor={reasonId}>{t("developer.review.reason")}</label>
          <textarea
            id={reasonId}
            required
            maxLength={1000}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <button type="submit" disabled={decide.isPending || !reason.trim()}>
          {t("developer.review.rejectShort")}
        </button>
      </form>
    </li>
  );
}

function BrandVerification() {
  const { t } = useTranslation();
  const [verified, setVerified] = useState(false);
  const queryClient = useQueryClient();
  const notify = useToast();
  const brands = useQuery({
    queryKey: [...BRANDS, verified],
    queryFn: () => ok(api.GET("/api/v1/staff/brands", { params: { query: { verified } } })),
    select: (page) => page.results,
  });
  const change = useMutation({
    mutationFn: (brand: Brand) => {
      const params = { params: { path: { brand_id: brand.id } } };
      return ok(
        brand.verified
          ? api.DELETE("/api/v1/staff/brands/{brand_id}/verification", params)
          : api.POST("/api/v1/staff/brands/{brand_id}/verification", params),
      );
    },
    onSuccess: (brand) => {
      notify(
        t(brand.verified ? "developer.brands.verifiedToast" : "developer.brands.revokedToast", {
          name: brand.name,
        }),
      );
      void queryClient.invalidateQueries({ queryKey: BRANDS });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="brands-heading" className="padded">
      <h2 id="brands-heading">{t("developer.brands.title")}</h2>
      <div className="field">
        <label htmlFor="brands-filter">{t("developer.brands.show")}</label>
        <select
          id="brands-filter"
          value={verified ? "verified" : "waiting"}
          onChange={(e) => setVerified(e.target.value === "verified")}
        >
          <option value="waiting">{t("developer.brands.waiting")}</option>
          <option value="verified">{t("developer.brands.verified")}</option>
        </select>
      </div>
      {brands.isPending && <Loading />}
      {brands.isError && <ErrorView error={brands.error} retry={() => void brands.refetch()} />}
      {brands.data?.length === 0 && <p className="muted">{t("developer.brands.none")}</p>}
      <ul className="list">
        {brands.data?.map((brand) => (
          <li key={brand.id} className="row">
            <span className="row-main">
              <span className="row-title">{brand.name}</span>
              <span className="row-sub">
                {brand.verified
                  ? t("developer.brands.isVerified")
                  : t("developer.brands.notVerified")}
              </span>
            </span>
            <button
              type="button"
              disabled={change.isPending}
              aria-label={t(
                brand.verified ? "developer.brands.revoke" : "developer.brands.verify",
                {
                  name: brand.name,
                },
              )}
              onClick={() => change.mutate(brand)}
            >
              {t(brand.verified ? "developer.brands.revokeShort" : "developer.brands.verifyShort")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
