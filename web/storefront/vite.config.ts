/// <reference types="vitest" />
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

/**
 * The storefront runs in a sandboxed frame whose origin is opaque: a `type="module"` or
 * `crossorigin` script is fetched in CORS mode and the bundle's files answer no CORS. So the
 * build is one classic script (IIFE) and one stylesheet, linked without `crossorigin`.
 */
function classicScripts(): Plugin {
  return {
    name: "storefront-classic-scripts",
    enforce: "post",
    transformIndexHtml(html) {
      return html
        .replace(/<script type="module" crossorigin /g, "<script defer ")
        .replace(/ crossorigin( |>)/g, "$1");
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), classicScripts()],
  build: {
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: false,
    sourcemap: false,
    rollupOptions: {
      output: {
        format: "iife",
        inlineDynamicImports: true,
        entryFileNames: "assets/storefront-[hash].js",
        assetFileNames: "assets/storefront-[hash][extname]",
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
