import { useTranslation } from "react-i18next";
import { StoreError } from "../api";

/** Loading and failure of a query, the same everywhere. */
export function Status({ loading, error }: { loading: boolean; error: unknown }) {
  const { t } = useTranslation();
  if (error)
    return (
      <p role="alert" className="sf-error">
        {t("error", { code: error instanceof StoreError ? error.code : "network_error" })}
      </p>
    );
  if (loading) return <p aria-busy="true">{t("loading")}</p>;
  return null;
}
