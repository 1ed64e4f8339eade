import { useState } from "react";
import { useTranslation } from "react-i18next";

/** A freshly issued app secret: shown this once, with a copy button and a warning. */
export function SecretOnce({
  appId,
  secret,
  onDone,
}: {
  appId: string;
  secret: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div className="dev-secret" role="group" aria-labelledby="secret-heading">
      <p id="secret-heading" className="row-title">
        {t("developer.secret.heading", { appId })}
      </p>
      <p className="dev-warning" role="alert">
        {t("developer.secret.warning")}
      </p>
      <code className="dev-secret-value" aria-label={t("developer.secret.value")}>
        {secret}
      </code>
      <span className="inline-form">
        <button type="button" onClick={() => void copy()}>
          {copied ? t("developer.secret.copied") : t("developer.secret.copy")}
        </button>
        <button type="button" onClick={onDone}>
          {t("developer.secret.done")}
        </button>
      </span>
    </div>
  );
}
