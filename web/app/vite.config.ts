/// <reference types="vitest" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { precompress } from "./build/precompress";

// `npm run dev` serves the app with hot reload and forwards the server's routes to Django
// (PLAZA_SERVER, default http://127.0.0.1:8000), so cookies and the socket stay same-origin.
const server = process.env.PLAZA_SERVER ?? "http://127.0.0.1:8000";
const proxied = ["/api", "/o", "/mp", "/static", "/media", "/healthz"];

export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    // No inline scripts or styles: the app's CSP is script-src 'self' and style-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: {
      ...Object.fromEntries(proxied.map((path) => [path, { target: server, changeOrigin: false }])),
      "/ws": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "build/**/*.test.ts"],
  },
});
