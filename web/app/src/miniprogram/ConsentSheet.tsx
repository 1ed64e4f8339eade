import { useTranslation } from "react-i18next";
import { Sheet } from "../components/Sheet";

const KNOWN_SCOPES = ["profile", "phone", "address", "loyalty", "shop"] as const;

function isKnown(scope: string): scope is (typeof KNOWN_SCOPES)[number] {
  return (KNOWN_SCOPES as readonly string[]).includes(scope);
}

/** Sign in to a mini-program: what each scope lets the app see; the choice is remembered. */
export function ConsentSheet({
  appName,
  scopes,
  settle,
}: {
  appName: string;
  scopes: string[];
  settle(allowed: boolean): void;
}) {
  const { t } = useTranslation();
  return (
    <Sheet
      open
      onOpenChange={(open) => !open && settle(false)}
      title={t("host.consent.title", { name: appName })}
      description={t("host.consent.intro", { name: appName })}
    >
      <ul className="host-scopes" aria-label={t("host.consent.sees")}>
        <li>
          <strong>{t("host.scopes.openid.name")}</strong>
          <span className="muted small">{t("host.scopes.openid.sees")}</span>
        </li>
        {scopes.map((scope) => (
          <li key={scope}>
            <strong>{isKnown(scope) ? t(`host.scopes.${scope}.name`) : scope}</strong>
            {isKnown(scope) && (
              <span className="muted small">{t(`host.scopes.${scope}.sees`)}</span>
            )}
          </li>
        ))}
      </ul>
      <p className="muted small">{t("host.consent.remembered")}</p>
      <div className="row">
        <button type="button" onClick={() => settle(false)}>
          {t("host.consent.deny")}
        </button>
        <button type="button" className="primary" onClick={() => settle(true)}>
          {t("host.consent.allow")}
        </button>
      </div>
    </Sheet>
  );
}
