/**
 * The README's screenshot from the real app with the demo data: logs in as alice at PLAZA_URL
 * (e.g. a `make run` server), opens the chat list and a chat, sends a message and saves
 * docs/img/app-chats.png and docs/img/app-chat.png. Run: `make web-screenshot`.
 */
import { chromium } from "@playwright/test";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const url = process.env.PLAZA_URL ?? "http://127.0.0.1:8000";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
});
const page = await browser.newPage({
  baseURL: url,
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
});
page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
await page.goto("/");
await page.getByLabel("Username").fill("alice");
await page.getByLabel("Password").fill("plaza-demo-pass");
await page.getByRole("button", { name: "Log in" }).click();
await page.getByRole("list", { name: "Chats" }).waitFor();
await page.screenshot({ path: path.join(root, "docs/img/app-chats.png") });
await page.getByRole("link", { name: /Bob Chen/ }).click();
await page.getByRole("textbox", { name: "Message" }).fill("See you at noon 🙂");
await page.getByRole("button", { name: "Send" }).click();
await page.getByText("Sending…").waitFor({ state: "detached" });
await page.screenshot({ path: path.join(root, "docs/img/app-chat.png") });
await browser.close();
console.log("screenshots: docs/img/app-chats.png, docs/img/app-chat.png");
