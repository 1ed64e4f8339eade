import { useTranslation } from "react-i18next";
import { LANGUAGES, chooseLanguage } from "../i18n";

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <div className="field">
      <label htmlFor="language">{t("me.language")}</label>
      <select
        id="language"
        value={i18n.language}
        onChange={(e) => void chooseLanguage(e.target.value)}
      >
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>
            {language.label}
          </option>
        ))}
      </select>
    </div>
  );
}
