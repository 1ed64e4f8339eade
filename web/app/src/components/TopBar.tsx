import type { ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { useTranslation } from "react-i18next";

export function TopBar({
  title,
  back,
  actions,
}: {
  title: string;
  back?: boolean;
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <header className="topbar">
      {back && (
        <button
          type="button"
          className="icon-button"
          aria-label={t("common.back")}
          onClick={() => navigate(-1)}
        >
          ‹
        </button>
      )}
      <h1>{title}</h1>
      <div className="topbar-actions">{actions}</div>
    </header>
  );
}
