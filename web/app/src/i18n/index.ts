import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en, type Messages } from "./en";

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "zh-CN", label: "简体中文" },
] as const;

const STORAGE_KEY = "plaza.language";

// English is in the entry script; every other language is a chunk of its own, fetched when a
// person starts in it or chooses it, so the first screen carries one language's strings.
const LOADERS: Record<string, () => Promise<Messages>> = {
  "zh-CN": () => import("./zh-CN").then((module) => module.zhCN),
};

function initialLanguage(): string {
  // The language choice is a preference, not a secret: it may live in web storage.
  // eslint-disable-next-line no-restricted-globals
  const chosen = typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY);
  if (chosen) return chosen;
  return navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

async function switchTo(code: string): Promise<void> {
  const load = LOADERS[code];
  if (load && !i18next.hasResourceBundle(code, "translation")) {
    i18next.addResourceBundle(code, "translation", await load());
  }
  await i18next.changeLanguage(code);
}

export function chooseLanguage(code: string): Promise<void> {
  // eslint-disable-next-line no-restricted-globals
  localStorage.setItem(STORAGE_KEY, code);
  return switchTo(code);
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: "en",
  fallbackLng: "en",
  interpolation: { escapeValue: false },
});

i18next.on("languageChanged", (code) => {
  document.documentElement.lang = code;
});
document.documentElement.lang = i18next.language;

/** Settles when the page's language is ready (at once for English; in English if its chunk
 * could not be fetched). main.tsx renders after it, so no screen flashes in another language. */
export const i18nReady: Promise<void> = switchTo(initialLanguage()).catch(() => undefined);

export default i18next;
