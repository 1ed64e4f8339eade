import { reactAppConfig } from "../eslint.base.mjs";

export default reactAppConfig({ storageMessage: "The token lives in memory only." });
