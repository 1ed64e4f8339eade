/**
 * docs/miniprogram-guide.md's screenshots from the real app with the demo data: bob opens Corner
 * Coffee (the demo's released app) in the mini-program host, signs in through the consent sheet,
 * pre-orders (accepting "Your coffee is ready" always), pays, and ends in Me → Mini-program
 * permissions, where it turns the message off and revokes the profile again so that the next run
 * sees the same sheets. Needs Plaza at PLAZA_URL (run with DEBUG=1) and the example's server on
 * http://127.0.0.1:8401 (the guide's "Run the example").
 * Run: `make web-screenshot-miniprogram`. Writes docs/img/mp-*.png.
 */
import { chromium } from "@playwright/test";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const url = process.env.PLAZA_URL ?? "http://127.0.0.1:8000";
const shot = (name) => path.join(root, "docs/img", name);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
});
const page = await browser.newPage({
  baseURL: url,
  viewport: { width: 375, height: 740 },
  deviceScaleFactor: 2,
});
page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
await page.goto("/");
await page.getByLabel("Username").fill("bob");
await page.getByLabel("Password").fill("plaza-demo-pass");
await page.getByRole("button", { name: "Log in" }).click();
await page.getByRole("navigation", { name: "Main" }).waitFor();

await page.getByRole("link", { name: "Discover" }).click();
await page.getByRole("searchbox").fill("Corner Coffee");
await page
  .getByRole("link", { name: /Corner Coffee/ })
  .first()
  .click();
const consent = page.getByRole("dialog", { name: "Sign in to Corner Coffee" });
await consent.waitFor();
await page.screenshot({ path: shot("mp-consent.png") });
await consent.getByRole("button", { name: "Allow" }).click();

const frame = page.frameLocator('iframe[title="Corner Coffee"]');
await frame.getByText(/^Hello /).waitFor();
await page.screenshot({ path: shot("mp-app.png") });
await frame.getByRole("button", { name: "Pre-order" }).click();
const subscribe = page.getByRole("dialog", { name: "Messages from Corner Coffee" });
await subscribe.waitFor();
await subscribe.getByRole("radio", { name: "Always" }).check();
await page.screenshot({ path: shot("mp-subscribe.png") });
await subscribe.getByRole("button", { name: "Done" }).click();
const pay = page.getByRole("dialog", { name: "Payment PIN" });
await pay.waitFor();
await page.screenshot({ path: shot("mp-pay.png") });
await pay.getByLabel("6-digit PIN").fill("123456");
await pay.getByRole("button", { name: "Pay" }).click();
await frame.getByText(/paid: Flat white/).waitFor();
await page.screenshot({ path: shot("mp-paid.png") });

await page.getByRole("button", { name: "Close the mini-program" }).click();
await page.getByRole("link", { name: "Me" }).click();
await page.getByRole("link", { name: "Mini-program permissions" }).click();
const coffee = page.getByRole("region", { name: "Corner Coffee" });
await coffee.getByText("Your coffee is ready").waitFor();
await page.screenshot({ path: shot("mp-permissions.png") });
await coffee
  .getByRole("button", { name: "Turn off Your coffee is ready from Corner Coffee" })
  .click();
await coffee.getByText("Your coffee is ready").waitFor({ state: "detached" });
await coffee.getByRole("button", { name: "Revoke Your profile from Corner Coffee" }).click();
await coffee.waitFor({ state: "detached" });
await browser.close();
console.log(
  "screenshots: docs/img/mp-consent.png, mp-app.png, mp-subscribe.png, mp-pay.png, mp-paid.png, mp-permissions.png",
);
