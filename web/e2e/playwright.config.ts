import { defineConfig } from "@playwright/test";

// The server is a throwaway Plaza on PostgreSQL + Redis (scripts/e2e_server.py) started by
// global-setup.ts on a free port; the browser is Debian's Chromium, never a downloaded one.
export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    // Set by global-setup.ts in the runner; workers read the config again and see it.
    baseURL: process.env.PLAZA_URL,
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" },
    viewport: { width: 375, height: 812 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
