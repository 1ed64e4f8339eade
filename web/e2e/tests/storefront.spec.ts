import { type FrameLocator, type Page } from "@playwright/test";
import { Api, DEMO_PASSWORD, PIN, expect, openChat, signedIn, test, type Person } from "./support";

// Issue 17: Maison Lune's store is a mini-program (web/storefront) in the app's host
// (`/apps/:appId?path=…`, CONTRACTS.md). The host's sheets (consent, payment) are the app's;
// everything inside the frame is the storefront, talking to Plaza through the SDK and the
// Storefront API with the token the person granted it.

const NEW_ADDRESS: [string, string][] = [
  ["Name", "Ana Silva"],
  ["Phone", "+351 912 345 678"],
  ["Address", "Rua Augusta 10"],
  ["City", "Lisboa"],
  ["Postal code", "1100-053"],
  ["Country (2 letters)", "PT"],
];

/** The same address, as the Storefront API takes it. */
const SHIPPING_ADDRESS = Object.fromEntries(
  ["name", "phone", "line1", "city", "postal_code", "country"].map((key, i) => [
    key,
    NEW_ADDRESS[i]![1],
  ]),
);

/** Pays a shop order through the API with the wallet PIN (setup the test is not about). */
async function payOrder(api: Api, person: Person, orderId: number): Promise<void> {
  const started = await api.post(`/api/v1/shop/orders/${orderId}/pay`, person, {});
  await api.post(`/api/v1/pay/orders/${started.prepay_id}/confirm`, person, {
    pin: PIN,
  });
}

/** Pays the order the store just placed through the app's PIN sheet, from "Awaiting payment";
 * returns the order's status line and the sheet. */
async function payInStore(page: Page, store: FrameLocator) {
  const status = store.getByRole("status").filter({ hasText: /Awaiting payment|Paid/ });
  await expect(status).toHaveText("Awaiting payment");
  await store.getByRole("button", { name: /^Pay / }).click();
  const sheet = page.getByRole("dialog", { name: "Payment PIN" });
  await sheet.getByLabel("6-digit PIN").fill(PIN);
  await sheet.getByRole("button", { name: "Pay" }).click();
  return { status, sheet };
}

async function mainLune(api: Api, person: Person): Promise<{ id: number; name: string }> {
  const accounts = await api.get("/api/v1/official-accounts?discover=true", person);
  return accounts.results.find((a: { name: string }) => a.name.startsWith("Maison Lune"));
}

/** The storefront's frame once the person allowed what it asks (host's consent sheet). */
async function consented(page: Page): Promise<FrameLocator> {
  const consent = page.getByRole("dialog").filter({ hasText: /shop/i });
  await expect(consent).toBeVisible();
  await consent.getByRole("button", { name: /allow/i }).click();
  const store = page.frameLocator("iframe");
  await expect(store.getByRole("navigation")).toBeVisible();
  return store;
}

async function fillNewAddress(store: FrameLocator): Promise<void> {
  await store.getByLabel("A new address").check();
  for (const [label, value] of NEW_ADDRESS)
    await store.getByLabel(label, { exact: true }).fill(value);
}

test("a consumer opens Maison Lune's store from its menu, buys two items and sees the order turn paid", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const ana = await api.register("Ana");
  await api.fund(ana, 50_000);
  const lune = await mainLune(api, ana);

  const page = await signedIn(browser, baseURL, ana);
  await page.goto(`/accounts/${lune.id}`);
  await page
    .getByRole("navigation", { name: "Account menu" })
    .getByRole("link", { name: "Shop" })
    .click();
  await expect(page).toHaveURL(/\/apps\/mp[0-9a-f]+/);
  const store = await consented(page);

  await expect(store.getByRole("heading", { name: /Welcome to Maison Lune/ })).toBeVisible();
  await store.getByRole("button", { name: /Silk scarf/ }).click();
  await store.getByRole("button", { name: "Add to cart" }).click();
  await expect(store.getByText("Added to your cart")).toBeVisible();
  await store.getByRole("button", { name: "Shop", exact: true }).click();
  await store.getByRole("button", { name: /Ceramic mug/ }).click();
  await store.getByRole("button", { name: "Add to cart" }).click();
  await store.getByRole("button", { name: "Cart (2)" }).click();
  await expect(store.getByRole("list", { name: "Your cart" }).getByRole("listitem")).toHaveCount(2);

  await fillNewAddress(store);
  await store.getByRole("button", { name: "Place order" }).click();
  const { status, sheet } = await payInStore(page, store);
  await expect(sheet).toBeHidden();
  // no reload: the order page reads the order again until it changes
  await expect(status).toHaveText("Paid");
  await expect(page).toHaveURL(/\/apps\/mp[0-9a-f]+/);
  // the order is known by when it was placed; its long trade number is for support
  await expect(store.getByRole("heading", { name: /^Order of .+20\d\d/ })).toBeVisible();
  await expect(store.getByText(/^Order number shop[0-9a-f]+$/)).toBeVisible();

  // Her service notifications tell of it: cards from the platform, not from a person, and
  // nothing to reply in.
  await page.goto("/");
  await page
    .getByRole("link", { name: /Service notifications/ })
    .first()
    .click();
  const notifications = page.getByRole("list", { name: "Messages" });
  await expect(notifications).toContainText("Order placed");
  await expect(notifications).toContainText("Payment received", {
    timeout: 20_000,
  });
  await expect(notifications).not.toContainText("Erased user");
  await expect(page.getByText("Notifications only")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
});

test("a second consumer opens a shared team card from a chat and joins the team", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const ana = await api.register("Ana");
  const ben = await api.register("Ben");
  await api.befriend(ana, ben);
  await api.fund(ana, 10_000);
  await api.fund(ben, 10_000);
  const chat = await api.direct(ana, ben);
  const lune = await mainLune(api, ana);
  const account = await api.get(`/api/v1/official-accounts/${lune.id}`, ana);
  const shop = await api.get(`/api/v1/brands/${account.brand.id}/shop`, ana);
  const products = await api.get(`/api/v1/shops/${shop.id}/products?q=mug`, ana);
  const mug = products.results[0];
  // Ana started a team (the Storefront API, as her storefront calls it) and paid her share.
  const order = await api.post(`/api/v1/shops/${shop.id}/products/${mug.id}/teams`, ana, {
    sku_id: mug.skus[0].id,
    quantity: 1,
    shipping_address: SHIPPING_ADDRESS,
  });
  await payOrder(api, ana, order.id);

  // She shares it from the team page: plaza.share, the host's share sheet, a card in the chat
  // whose image is the storefront bundle's own (plain http on this DEBUG server).
  const anaPage = await signedIn(browser, baseURL, ana);
  await anaPage.goto(`/apps/${shop.app_id}?path=${encodeURIComponent(`/teams/${order.team_id}`)}`);
  const anaStore = await consented(anaPage);
  await anaStore.getByRole("button", { name: "Share to a chat" }).click();
  const share = anaPage.getByRole("dialog", { name: "Share to a chat" });
  const preview = share.getByRole("group", { name: "Card preview" });
  await expect(preview).toContainText("Join my team for Ceramic mug");
  await expect(preview.locator("img")).toHaveAttribute(
    "src",
    /^http:\/\/.+\/storefront-card\.svg$/,
  );
  await share.getByRole("radio", { name: ben.displayName }).check();
  await share.getByRole("button", { name: "Send" }).click();
  await expect(anaStore.getByText("Shared.")).toBeVisible();
  await anaPage.context().close();

  const page = await signedIn(browser, baseURL, ben);
  await openChat(page, ana.displayName);
  const card = page.getByRole("link", { name: /Join my team for Ceramic mug/ });
  await expect
    .poll(() =>
      card.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    )
    .toBeGreaterThan(0);
  await card.click();
  await expect(page).toHaveURL(
    new RegExp(
      `/apps/${shop.app_id}\\?path=%2Fteams%2F${order.team_id}|/apps/${shop.app_id}\\?path=/teams/${order.team_id}`,
    ),
  );
  const store = await consented(page);

  await expect(store.getByRole("heading", { name: "Team purchase" })).toBeVisible();
  await expect(store.getByText("1 joined")).toBeVisible();
  await fillNewAddress(store);
  await store.getByRole("button", { name: "Join the team" }).click();
  const { status } = await payInStore(page, store);
  await expect(status).toHaveText("Paid");
  await store.getByRole("button", { name: "Team purchase" }).click();
  await expect(store.getByText(/2 joined/)).toBeVisible();
});

// A 24×16 red PNG, made here so that no binary is committed.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAGklEQVR42mO4Y6NBFcQwatCoQaMGjRpEGQIAUsjgEI6JxbcAAAAASUVORK5CYII=",
  "base64",
);

test("a buyer reviews a delivered mug with a photo that opens full size on the product page", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const ana = await api.register("Ana");
  await api.fund(ana, 10_000);
  const lune = await mainLune(api, ana);
  const account = await api.get(`/api/v1/official-accounts/${lune.id}`, ana);
  const shop = await api.get(`/api/v1/brands/${account.brand.id}/shop`, ana);
  const mug = (await api.get(`/api/v1/shops/${shop.id}/products?q=mug`, ana)).results[0];
  const order = await api.post(`/api/v1/shops/${shop.id}/checkout`, ana, {
    items: [{ sku_id: mug.skus[0].id, quantity: 1 }],
    shipping_address: SHIPPING_ADDRESS,
  });
  await payOrder(api, ana, order.id);
  // the brand (alice owns Maison Lune) ships and delivers it
  const alice = await api.login("alice", DEMO_PASSWORD);
  const manage = `/api/v1/shops/${shop.id}/manage/orders/${order.id}`;
  await api.post(`${manage}/ship`, alice, {
    carrier: "DHL",
    tracking_number: "LUNE1",
  });
  await api.post(`${manage}/deliver`, alice, {});

  const page = await signedIn(browser, baseURL, ana);
  await page.goto(`/apps/${shop.app_id}?path=${encodeURIComponent(`/orders/${order.id}`)}`);
  const store = await consented(page);
  const form = store.getByRole("form", { name: /Review Ceramic mug/ });
  await form.getByLabel("Your review").fill("Holds a lot of tea.");
  await form.getByLabel("Add photos").setInputFiles({
    name: "mug.png",
    mimeType: "image/png",
    buffer: PNG,
  });
  const preview = form.getByRole("img", { name: "Photo 1" });
  await expect(preview).toBeVisible();
  // the preview really draws (a blob: address would be refused by the storefront's CSP)
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24);
  await form.getByRole("button", { name: "Post review" }).click();
  await expect(store.getByText("Thank you for your review.")).toBeVisible();

  await store.getByRole("button", { name: "Shop", exact: true }).click();
  await store.getByRole("button", { name: /Ceramic mug/ }).click();
  const reviews = store.getByRole("region", { name: "Reviews" });
  await expect(reviews.getByText("Holds a lot of tea.")).toBeVisible();
  await reviews.getByRole("button", { name: "Open photo 1 full size" }).click();
  const viewer = store.getByRole("dialog", { name: "Photo 1" });
  const full = viewer.getByRole("img", { name: "Photo 1" });
  await expect(full).toBeVisible();
  expect(await full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24);
  await viewer.getByRole("button", { name: "Close" }).click();
  await expect(viewer).toBeHidden();
});
