/** The entry of plaza-sdk.js: installs the SDK as the page's global `plaza`. */
import { createPlaza } from "./index";

window.plaza = createPlaza(window);
