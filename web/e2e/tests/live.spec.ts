import { push, stopPush } from "./ffmpeg";
import type { Page } from "@playwright/test";
import {
  Api,
  DEMO_PASSWORD,
  PIN,
  expect,
  expectAccessible,
  signedIn,
  test,
  type Person,
} from "./support";

// Live video end to end: the e2e server starts the nginx-rtmp media server (scripts/e2e_server.py,
// `make media-tools` installs it), Debian's ffmpeg pushes a test pattern with the show's stream
// key as OBS would, and a viewer in Chromium watches, buys and then watches the replay. A wrong
// or rotated key being refused is covered with real processes in tests/system/test_live_video.py.

/** Where the page's <video> is, in seconds. */
function position(page: Page): Promise<number> {
  return page.locator("video").evaluate((video: HTMLVideoElement) => video.currentTime);
}

/** Waits on the page until its <video> plays: its position moves by more than a second. */
async function expectPlaying(page: Page): Promise<void> {
  await expect.poll(() => position(page), { timeout: 20_000 }).toBeGreaterThan(0);
  const from = await position(page);
  await expect.poll(() => position(page), { timeout: 10_000 }).toBeGreaterThan(from + 1);
}

async function pushedShow(api: Api, alice: Person) {
  const { demo, show } = await api.scheduledShow(alice, "Pushed to Plaza");
  const shop = await api.get(`/api/v1/brands/${demo.brand.id}/shop`, alice);
  const product = await api.get(`/api/v1/shops/${shop.id}/products/${demo.products[0].id}`, alice);
  const sku = product.skus.find((s: { stock?: number }) => (s.stock ?? 0) >= 5);
  const key = await api.post(`/api/v1/live/shows/${show.id}/stream-key`, alice, {});
  expect(key.server, "the e2e server started no media server: run `make media-tools`").toMatch(
    /^rtmp:/,
  );
  return { show, key, product, sku };
}

test("a show pushed with ffmpeg goes live, plays in Chromium, sells the pinned product and becomes a replay", async ({
  browser,
  baseURL,
  request,
}) => {
  // Real time is part of it: a deal's countdown is at least 10 s, and the video must play.
  test.setTimeout(120_000);
  const api = new Api(request);
  const alice = await api.login("alice", DEMO_PASSWORD);
  const viewer = await api.shopper("Viewer", 500_00);
  const { show, key, product, sku } = await pushedShow(api, alice);

  const page = await signedIn(browser, baseURL, viewer);
  await page.getByRole("link", { name: "Discover" }).click();
  await page.getByRole("link", { name: "Live shows" }).click();
  const upcoming = page.getByRole("region", { name: "Upcoming" });
  await expect(upcoming.getByRole("link", { name: new RegExp(show.title) })).toBeVisible();
  const remind = upcoming.getByRole("button", { name: `Remind me when ${show.title} goes live` });
  await remind.click();
  await expect(remind).toHaveAttribute("aria-pressed", "true");
  await expect(remind).toHaveText("Reminder set");
  await expectAccessible(page);
  await upcoming.getByRole("link", { name: new RegExp(show.title) }).click();
  await expect(page.getByRole("status").filter({ hasText: "has not started yet" })).toBeVisible();

  const pusher = push(key.server, key.stream_key);
  try {
    const pushedAt = Date.now();
    // Live within 3 seconds of the push starting (the media server's on_publish callback).
    await expect
      .poll(async () => (await api.get(`/api/v1/live/shows/${show.id}`, alice)).status, {
        timeout: 3_000,
        intervals: [100],
      })
      .toBe("live");
    console.log(`live ${Date.now() - pushedAt} ms after ffmpeg started`);
    // The waiting room is told and starts the HLS stream (hls.js in Chromium), which plays.
    await expect(page.getByText("LIVE", { exact: true })).toBeVisible();
    await expect(page.getByLabel(`Live video: ${show.title}`)).toBeVisible();
    await expectPlaying(page);
    await expectAccessible(page);

    // The host pins the product and starts a flash deal; the viewer buys it without leaving.
    await api.post(`/api/v1/live/shows/${show.id}/pins`, alice, { product_id: product.id });
    const price = sku.prices[0];
    await api.post(`/api/v1/live/shows/${show.id}/deals`, alice, {
      sku_id: sku.id,
      price: price.amount - 1,
      quantity: 5,
      per_buyer_limit: 2,
      countdown_seconds: 10,
      window_minutes: 2,
    });
    const pinned = page.getByRole("region", { name: "Pinned product" });
    await expect(pinned.getByRole("heading", { name: product.title })).toBeVisible();
    await expect(pinned.getByRole("timer")).toContainText("Deal opens in");
    const buy = pinned.getByRole("button", { name: "Buy now" });
    await expect(buy).toBeEnabled({ timeout: 15_000 });
    await expect(pinned.getByRole("timer")).toContainText("Deal ends in");
    await buy.click();
    await payWithPin(page, product.title);
    // Comment-to-buy: the keyword in a comment brings the commenter a checkout card.
    await page.getByRole("textbox", { name: "Comment" }).fill("buy");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByRole("log", { name: "Comments" })).toContainText(
      `${viewer.displayName} buy`,
    );
    const card = page.getByRole("region", { name: "Your checkout" });
    await card.getByRole("button", { name: "Buy 1" }).click();
    await payWithPin(page, product.title);
    await expect(pinned).toContainText("3 left");
    await expect(page.locator("video")).toBeVisible(); // the video never left the screen
    await expect
      .poll(async () => {
        const stats = await api.get(`/api/v1/live/shows/${show.id}/stats`, alice);
        return [stats.orders, stats.buyers];
      })
      .toEqual([2, 1]);
  } finally {
    await stopPush(pusher);
  }

  // The push stopped: the show ends, the room becomes its replay, which plays and seeks to the pin.
  await expect
    .poll(async () => (await api.get(`/api/v1/live/shows/${show.id}`, alice)).status)
    .toBe("ended");
  const jump = page.getByRole("button", {
    name: new RegExp(`^${escape(product.title)} at \\d+:\\d\\d$`),
  });
  await expect(jump).toBeEnabled({ timeout: 30_000 });
  await expectPlaying(page);
  await jump.click();
  await expect(page).toHaveURL(/[?&]t=\d+/);
  const offset = Number(new URL(page.url()).searchParams.get("t"));
  await expect.poll(() => position(page)).toBeGreaterThanOrEqual(offset);
  await expectAccessible(page);
});

async function payWithPin(page: Page, title: string): Promise<void> {
  const sheet = page.getByRole("dialog", { name: "Payment PIN" });
  await expect(sheet).toContainText(title);
  await sheet.getByLabel("6-digit PIN").fill(PIN);
  await sheet.getByRole("button", { name: "Pay" }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Paid." })).toBeVisible();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
