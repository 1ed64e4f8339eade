import { useTranslation } from "react-i18next";
import { ApiError } from "../api/errors";

/** A failed load: the API's detail, and a retry for 5xx and network failures. */
export function ErrorView({ error, retry }: { error: unknown; retry(): void }) {
  const { t } = useTranslation();
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div role="alert" className="error-view">
      <p>{apiError && !apiError.retryable ? apiError.message : t("errors.loadFailed")}</p>
      <button type="button" onClick={retry}>
        {t("common.retry")}
      </button>
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted loading" role="status">
      {t("common.loading")}
    </p>
  );
}

export function Avatar({ name }: { name: string }) {
  return (
    <span className="avatar" aria-hidden="true">
      {[...name][0]?.toUpperCase() ?? "?"}
    </span>
  );
}
