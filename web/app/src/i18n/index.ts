import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { zhCN } from "./zh-CN";

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "zh-CN", label: "简体中文" },
] as const;

const STORAGE_KEY = "plaza.language";

function initialLanguage(): string {
  // The language choice is a preference, not a secret: it may live in web storage.
  // eslint-disable-next-line no-restricted-globals
  const chosen = typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY);
  if (chosen) return chosen;
  return navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export function chooseLanguage(code: string): void {
  // eslint-disable-next-line no-restricted-globals
  localStorage.setItem(STORAGE_KEY, code);
  void i18next.changeLanguage(code);
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
});

i18next.on("languageChanged", (code) => {
  document.documentElement.lang = code;
});
document.documentElement.lang = i18next.language;

export default i18next;
