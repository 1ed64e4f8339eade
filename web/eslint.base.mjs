import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * The ESLint config of a React app in web/ (the Plaza app, the storefront): JavaScript's and
 * TypeScript's recommended rules, the rules of hooks, and no web storage (`storageMessage` says
 * what the app keeps in memory instead).
 */
export function reactAppConfig({ ignores = [], storageMessage }) {
  return tseslint.config(
    { ignores: ["dist", ...ignores] },
    {
      extends: [js.configs.recommended, ...tseslint.configs.recommended],
      files: ["**/*.{ts,tsx}"],
      languageOptions: { ecmaVersion: 2022, globals: globals.browser },
      plugins: { "react-hooks": reactHooks },
      rules: {
        ...reactHooks.configs.recommended.rules,
        "no-restricted-globals": [
          "error",
          { name: "localStorage", message: storageMessage },
          { name: "sessionStorage", message: storageMessage },
        ],
      },
    },
  );
}
