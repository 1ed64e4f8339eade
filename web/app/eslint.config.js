import { reactAppConfig } from "../eslint.base.mjs";

export default reactAppConfig({
  ignores: ["src/api/schema.d.ts"],
  storageMessage: "Tokens and state never go to web storage.",
});
