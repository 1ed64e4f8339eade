import { push, stopPush } from "./ffmpeg";
import type { Page } from "@playwright/test";
import {
  Api,
  DEMO_PASSWORD,
  PIN,
  RED_PNG,
  expect,
  expectAccessible,
  signedIn,
  test,
} from "./support";

// The live control room (docs/workspace.md, "Live control room"): the demo brand owner schedules a
// show in the workspace, streams to it with ffmpeg (the e2e server starts the nginx-rtmp media
// server), pins a product and launches a flash deal; a viewer in another context sees the deal
// count down and buys it, the host's sales figure rises without a reload, and a comment the host
// removes disappears for the viewer and comes back when the removal is undone.

async function payWithPin(page: Page, title: string): Promise<void> {
  const sheet = page.getByRole("dialog", { name: "Payment PIN" });
  await expect(sheet).toContainText(title);
  await sheet.getByLabel("6-digit PIN").fill(PIN);
  await sheet.getByRole("button", { name: "Pay" }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Paid." })).toBeVisible();
}

test("a brand owner schedules a show, streams it, pins a product and launches a deal that a viewer buys; the host moderates a comment", async ({
  browser,
  baseURL,
  request,
}) => {
  // Real time is part of it: the push, a deal's countdown of at least 10 s, flushes of comments.
  test.setTimeout(150_000);
  const api = new Api(request);
  const alice = await api.login("alice", DEMO_PASSWORD);
  const viewer = await api.shopper("Viewer", 500_00);
  // The demo brand, and a published product of its shop with stock for the deal.
  const demo = (await api.get("/api/v1/live/shows?section=upcoming", alice)).results[0];
  const brandId: number = demo.brand.id;
  const shop = await api.get(`/api/v1/brands/${brandId}/shop`, alice);
  const product = await api.get(`/api/v1/shops/${shop.id}/products/${demo.products[0].id}`, alice);
  const sku = product.skus.find((s: { stock?: number }) => (s.stock ?? 0) >= 5);
  const listPrice: { amount: number; currency: string } = sku.prices[0];

  // The owner schedules the show from the workspace.
  const host = await signedIn(browser, baseURL, { username: "alice" }, DEMO_PASSWORD);
  await host.setViewportSize({ width: 1280, height: 900 });
  await host.goto(`/workspace/brand/${brandId}/team`);
  await host
    .getByRole("navigation", { name: "Workspace" })
    .getByRole("link", { name: "Live", exact: true })
    .click();
  const schedule = host.getByRole("region", { name: "Schedule a show" });
  const title = `Control room ${Date.now().toString(36)}`;
  await schedule.getByLabel("Title").fill(title);
  await schedule.getByLabel("Cover photo").setInputFiles(RED_PNG);
  await expect(schedule.getByRole("img", { name: "The chosen cover" })).toBeVisible();
  await schedule.getByRole("checkbox", { name: product.title }).check();
  await expectAccessible(host);
  await host.screenshot({ path: "test-results/workspace-live-schedule.png", fullPage: true });
  await schedule.getByRole("button", { name: "Schedule" }).click();
  await expect(host.getByRole("heading", { name: `Control room: ${title}` })).toBeVisible();
  const show = (
    await api.get(`/api/v1/live/shows?brand_id=${brandId}&status=scheduled`, alice)
  ).results.find((s: { title: string }) => s.title === title);
  expect(show.cover_url).not.toBe("");

  // The stream key: masked, revealed, then used by ffmpeg as OBS would.
  const keyPanel = host.getByRole("region", { name: "Stream key" });
  await keyPanel.getByRole("button", { name: "Make a stream key" }).click();
  const keyField = keyPanel.getByRole("textbox", { name: "Stream key" });
  const masked = keyPanel.locator("#stream-key");
  await expect(masked).toHaveAttribute("type", "password");
  await keyPanel.getByRole("button", { name: "Reveal" }).click();
  await expect(keyField).toHaveAttribute("type", "text");
  const streamKey = await keyField.inputValue();
  const server = await keyPanel.getByRole("textbox", { name: "Server (RTMP)" }).inputValue();
  expect(server, "the e2e server started no media server: run `make media-tools`").toMatch(
    /^rtmp:/,
  );

  const pusher = push(server, streamKey);
  try {
    const stage = host.getByRole("region", { name: "Show", exact: true });
    await expect(stage.getByText("Live", { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(stage.getByLabel(`Preview: ${title}`)).toBeVisible();

    // A viewer joins the room and comments.
    const watcher = await signedIn(browser, baseURL, viewer);
    await watcher.goto(`/live/${show.id}`);
    await expect(watcher.getByText("LIVE", { exact: true })).toBeVisible();
    await watcher.getByRole("textbox", { name: "Comment" }).fill("Is it silk?");
    await watcher.getByRole("button", { name: "Send" }).click();
    const watcherComments = watcher.getByRole("log", { name: "Comments" });
    await expect(watcherComments).toContainText("Is it silk?");

    // The host pins the product and launches a flash deal on it.
    await host.getByRole("button", { name: `Pin ${product.title}` }).click();
    await expect(host.getByRole("region", { name: "Products" })).toContainText(
      "Pinned for viewers",
    );
    const deal = host.getByRole("form", { name: `Flash deal on ${product.title}` });
    const dealPrice = ((listPrice.amount - 100) / 100).toFixed(2);
    await deal.getByLabel(/Deal price/).fill(dealPrice);
    await deal.getByLabel("Units").fill("5");
    await deal.getByLabel("Countdown (seconds)").fill("12");
    await deal.getByLabel("Open for (minutes)").fill("2");
    await deal.getByRole("button", { name: "Launch the deal" }).click();
    await expect(host.getByRole("group", { name: "Running deal" })).toContainText("5 of 5 left");

    const figures = host.getByRole("region", { name: "Live figures" });
    await expect(figures.getByRole("group", { name: "Sales: 0" })).toBeVisible();

    // The viewer sees the pinned card and the deal counting down, then buys it.
    const pinned = watcher.getByRole("region", { name: "Pinned product" });
    await expect(pinned.getByRole("heading", { name: product.title })).toBeVisible();
    const timer = pinned.getByRole("timer");
    await expect(timer).toContainText("Deal opens in");
    const first = (await timer.textContent()) ?? "";
    await expect(timer).not.toHaveText(first);
    const buy = pinned.getByRole("button", { name: "Buy now" });
    await expect(buy).toBeEnabled({ timeout: 20_000 });
    await expect(timer).toContainText("Deal ends in");
    await buy.click();
    await payWithPin(watcher, product.title);

    // The host's figures move without a reload.
    await expect(figures.getByRole("group", { name: "Orders: 1" })).toBeVisible();
    await expect(
      figures.getByRole("group", {
        name: new RegExp(`^Sales: \\D*${dealPrice.replace(".", "\\.")}$`),
      }),
    ).toBeVisible();
    await expect(host.getByRole("group", { name: "Running deal" })).toContainText("4 of 5 left");
    await expect(
      figures.getByRole("figure", { name: "Viewers and orders during the show" }),
    ).toBeVisible();

    // The host removes the viewer's comment (once stored) and the viewer no longer sees it…
    await expect
      .poll(async () => (await api.get(`/api/v1/live/shows/${show.id}/stats`, alice)).comments, {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    const moderation = host.getByRole("region", { name: "Comments" });
    await moderation.getByRole("button", { name: "Remove the comment “Is it silk?”" }).click();
    await expect(watcherComments).not.toContainText("Is it silk?");
    await host.screenshot({ path: "test-results/workspace-live-desktop.png", fullPage: true });
    // …until the removal is undone.
    await moderation.getByRole("button", { name: "Undo the removal of “Is it silk?”" }).click();
    await expect(watcherComments).toContainText("Is it silk?");
    await expectAccessible(host);

    await host.setViewportSize({ width: 375, height: 812 });
    await host.screenshot({ path: "test-results/workspace-live-phone.png", fullPage: true });
    await watcher.screenshot({ path: "test-results/workspace-live-viewer.png" });
  } finally {
    await stopPush(pusher);
  }
});
