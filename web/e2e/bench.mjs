// Browser figures of bench/web.py (docs/web.md, "Budgets"), printed as name=value against the
// demo server at PLAZA_URL, in Debian's Chromium (CHROMIUM, default /usr/bin/chromium):
//   lighthouse_performance, lighthouse_accessibility: Lighthouse (mobile defaults) on the chat
//     list of alice. The page signs in silently from the refresh cookie, passed as a header.
//     LIGHTHOUSE_REPORT=<file.json>: also saves Lighthouse's full JSON report there.
//   send_to_render_p95_ms: alice sends SEND_COUNT messages in one browser context; each is timed
//     from the click on Send until a MutationObserver sees it in bob's page (another context).
import { chromium } from "@playwright/test";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { writeFileSync } from "node:fs";

const BASE = process.env.PLAZA_URL;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PASSWORD = "plaza-demo-pass";
const SEND_COUNT = Number(process.env.SEND_COUNT ?? 30);

async function call(path, { token, body } = {}) {
  const response = await fetch(`${BASE}${path}`, {
    method: body ? "POST" : "GET",
    headers: {
      "Content-Type": "application/json",
      ...(token && { Authorization: `Bearer ${token}` }),
    },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} → ${response.status} ${await response.text()}`);
  return response.json();
}

const login = (username) => call("/api/v1/auth/login", { body: { username, password: PASSWORD } });

async function lighthouseScores() {
  const { refresh_token: refresh } = await login("alice");
  const browser = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
  });
  try {
    const result = await lighthouse(`${BASE}/`, {
      port: browser.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility"],
      extraHeaders: { Cookie: `plaza_refresh=${refresh}` },
    });
    if (process.env.LIGHTHOUSE_REPORT) writeFileSync(process.env.LIGHTHOUSE_REPORT, result.report);
    const { categories, audits } = result.lhr;
    const failing = Object.values(audits).filter(
      (audit) =>
        audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== "informative",
    );
    for (const audit of failing)
      console.error(`lighthouse: ${audit.id} ${audit.score} ${audit.displayValue ?? ""}`);
    const requests = audits["network-requests"].details.items.map((item) => item.url);
    if (!requests.some((url) => url.startsWith(`${BASE}/api/v1/conversations`))) {
      throw new Error(
        "lighthouse did not reach the chat list (the refresh cookie did not sign in)",
      );
    }
    return {
      lighthouse_performance: Math.round(categories.performance.score * 100),
      lighthouse_accessibility: Math.round(categories.accessibility.score * 100),
    };
  } finally {
    await browser.kill();
  }
}

async function signedInPage(browser, username) {
  const context = await browser.newContext({
    baseURL: BASE,
    viewport: { width: 375, height: 812 },
  });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  return page;
}

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

async function sendToRender() {
  const { access_token: token } = await login("alice");
  const { id } = await call("/api/v1/conversations", {
    token,
    body: { kind: "direct", members: ["bob"] },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const alice = await signedInPage(browser, "alice");
    const bob = await signedInPage(browser, "bob");
    for (const page of [alice, bob]) {
      await page.goto(`/chats/${id}`);
      await page.getByRole("textbox", { name: "Message" }).waitFor();
    }
    const box = alice.getByRole("textbox", { name: "Message" });
    const send = alice.getByRole("button", { name: "Send" });
    const timings = [];
    for (let n = 0; n < SEND_COUNT; n += 1) {
      const text = `bench ${Date.now().toString(36)} ${n}`;
      await box.fill(text);
      // The observer is in place before the click; the promise is awaited after it.
      await bob.evaluate((wanted) => {
        window.benchSeen = new Promise((resolve) => {
          const observer = new MutationObserver(() => {
            if (document.body.textContent?.includes(wanted)) {
              observer.disconnect();
              resolve(Date.now());
            }
          });
          observer.observe(document.body, {
            childList: true,
            subtree: true,
            characterData: true,
          });
        });
      }, text);
      const sentAt = Date.now();
      await send.click();
      timings.push((await bob.evaluate(() => window.benchSeen)) - sentAt);
    }
    return { send_to_render_p95_ms: Math.round(percentile(timings, 0.95)) };
  } finally {
    await browser.close();
  }
}

if (!BASE) throw new Error("bench.mjs: set PLAZA_URL");
const figures = { ...(await lighthouseScores()), ...(await sendToRender()) };
for (const [name, value] of Object.entries(figures)) console.log(`${name}=${value}`);
