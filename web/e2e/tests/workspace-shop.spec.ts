import type { Browser, FrameLocator, Page } from "@playwright/test";
import {
  Api,
  PIN,
  RED_PNG,
  expect,
  expectAccessible,
  signedIn,
  test,
  type Person,
} from "./support";

// Issue 18, Brand — shop: the owner brands the storefront, imports a catalogue and runs the
// orders from the workspace; shoppers see the branding in the storefront (web/storefront).

const ADDRESS = {
  name: "Ana Silva",
  phone: "+351 912 345 678",
  line1: "Rua Augusta 10",
  city: "Lisboa",
  postal_code: "1100-053",
  country: "PT",
};

interface Shop {
  id: number;
  name: string;
  app_id: string;
  brand_id: number;
}

/** An owner with a brand whose storefront is on (setup the tests are not about). */
async function ownerWithShop(api: Api, name: string): Promise<{ owner: Person; shop: Shop }> {
  const owner = await api.register(name);
  const brand = await api.post("/api/v1/brands", owner, {
    name: `${name} ${owner.username.slice(-5)}`,
  });
  const shop = await api.post(`/api/v1/brands/${brand.id}/shop`, owner, {});
  return { owner, shop };
}

/** A published product with one variant in stock, priced `amount` EUR cents. */
async function productOf(api: Api, owner: Person, shop: Shop, title: string, amount: number) {
  const handle = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const product = await api.post(`/api/v1/shops/${shop.id}/products`, owner, {
    handle,
    title,
  });
  const sku = await api.post(`/api/v1/shops/${shop.id}/products/${product.id}/skus`, owner, {
    code: `${handle}-1`,
    options: {},
    stock: 10,
    prices: [{ currency: "EUR", amount }],
  });
  await api.post(`/api/v1/shops/${shop.id}/products/${product.id}/publish`, owner, {});
  return { product, sku };
}

async function order(api: Api, buyer: Person, shop: Shop, skuId: number) {
  return api.post(`/api/v1/shops/${shop.id}/checkout`, buyer, {
    items: [{ sku_id: skuId, quantity: 1 }],
    shipping_address: ADDRESS,
  });
}

async function pay(api: Api, buyer: Person, orderId: number): Promise<void> {
  const started = await api.post(`/api/v1/shop/orders/${orderId}/pay`, buyer, {});
  await api.post(`/api/v1/pay/orders/${started.prepay_id}/confirm`, buyer, {
    pin: PIN,
  });
}

async function openWorkspace(
  browser: Browser,
  baseURL: string | undefined,
  owner: Person,
  shop: Shop,
  section: string,
): Promise<Page> {
  const page = await signedIn(browser, baseURL, owner);
  await page.goto(`/workspace/brand/${shop.brand_id}/${section}`);
  return page;
}

/** The storefront's frame once the person allowed what it asks (host's consent sheet). */
async function storefront(page: Page, shop: Shop): Promise<FrameLocator> {
  await page.goto(`/apps/${shop.app_id}?path=${encodeURIComponent("/")}`);
  const consent = page.getByRole("dialog").filter({ hasText: /shop/i });
  await expect(consent).toBeVisible();
  await consent.getByRole("button", { name: /allow/i }).click();
  const store = page.frameLocator("iframe");
  await expect(store.getByRole("navigation")).toBeVisible();
  return store;
}

test("an owner brands the storefront with a logo, a colour and a banner, and a shopper sees them", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { owner, shop } = await ownerWithShop(api, "Olive");
  await api.post(`/api/v1/shops/${shop.id}/collections`, owner, {
    title: "Autumn",
  });
  await productOf(api, owner, shop, "Wool hat", 3900);

  const page = await openWorkspace(browser, baseURL, owner, shop, "shop");
  const branding = page.getByRole("region", { name: "Branding" });
  await branding.getByLabel("Logo").setInputFiles(RED_PNG);
  const preview = branding.getByRole("figure", {
    name: "Storefront header preview",
  });
  await expect(preview.getByRole("img", { name: "Your logo" })).toBeVisible();
  await branding.getByLabel("Accent colour (#rrggbb)").fill("#0a7d4f");
  await expect(preview.locator(".branding-preview-header")).toHaveCSS(
    "background-color",
    "rgb(10, 125, 79)",
  );
  await branding.getByLabel("Accent colour (#rrggbb)").fill("green");
  await expect(branding.getByText("Write the colour as # and six hex digits")).toBeVisible();
  await branding.getByLabel("Accent colour (#rrggbb)").fill("#0a7d4f");
  await branding.getByLabel("Add a banner image").setInputFiles(RED_PNG);
  await expect(branding.getByRole("img", { name: "Banner 1" })).toBeVisible();
  await branding.getByLabel("Banner 1 opens").selectOption({ label: "Collection: Autumn" });
  await expect(preview).toContainText("1 banner on the storefront home");
  await branding.getByRole("button", { name: "Save the branding" }).click();
  await expect(page.getByText("Branding saved. Shoppers see it now.")).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({
    path: "test-results/workspace-shop-branding.png",
    fullPage: true,
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({
    path: "test-results/workspace-shop-desktop.png",
    fullPage: true,
  });

  // A shopper opens the storefront: the logo, the colour and the banner are the owner's.
  const shopper = await api.register("Sia");
  const shopperPage = await signedIn(browser, baseURL, shopper);
  const store = await storefront(shopperPage, shop);
  await expect(store.getByRole("img", { name: `${shop.name} logo` })).toBeVisible();
  const featured = store.getByRole("region", { name: "Featured" });
  await expect(featured.getByRole("img", { name: "Banner 1" })).toBeVisible();
  await expect(store.locator("header.sf-banner")).toHaveCSS(
    "background-image",
    /rgb\(10, 125, 79\)/,
  );
  await shopperPage.screenshot({
    path: "test-results/storefront-branded.png",
    fullPage: true,
  });
  await featured.getByRole("button").click();
  await expect(store.getByRole("button", { name: "Autumn" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
});

const CSV = [
  "handle,title,description,collections,images,sku,options,stock,currency,price,compare_at_price,published",
  "linen-shirt,Linen shirt,,Summer,,LINEN-S,size=S,4,EUR,5900,,yes",
  "linen-shirt,Linen shirt,,Summer,,LINEN-M,size=M,6,EUR,5900,,yes",
  "straw-hat,Straw hat,,Summer,,STRAW-1,size=one,many,EUR,2900,,yes",
].join("\n");

test("an owner imports a catalogue CSV, watches its progress and sees the rejected row", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { owner, shop } = await ownerWithShop(api, "Ines");
  const page = await openWorkspace(browser, baseURL, owner, shop, "shop");

  const importer = page.getByRole("region", { name: "Import a catalogue" });
  await importer.getByLabel("Drop a CSV file here, or choose one").setInputFiles({
    name: "catalogue.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(CSV),
  });
  const progress = importer.getByRole("progressbar", {
    name: "Import progress",
  });
  await expect(progress).toBeVisible();
  await expect(importer).toContainText("Import finished: 2 created, 0 updated, 1 rejected.");
  await expect(progress).toHaveAttribute("value", "3");
  const rejected = importer.getByRole("region", { name: "Rejected rows" });
  await expect(rejected.getByRole("listitem")).toHaveCount(1);
  await expect(rejected).toContainText("Row 4");
  await expect(rejected).toContainText("stock: Must be a whole number");

  const products = page.getByRole("region", { name: "Products" });
  const shirt = products.getByRole("listitem").filter({ hasText: "Linen shirt" });
  await expect(shirt).toContainText("Published · 10 in stock · 2 variants · €59.00");
  await expect(products).not.toContainText("Straw hat");

  // The variants editor changes one variant's stock.
  await shirt.getByText("Variants of Linen shirt").click();
  await shirt.getByLabel("Stock of S").fill("9");
  await shirt
    .getByRole("form", { name: "Variant S" })
    .getByRole("button", { name: "Save" })
    .click();
  await expect(shirt).toContainText("15 in stock");
  await expectAccessible(page);
  await page.screenshot({
    path: "test-results/workspace-shop-import.png",
    fullPage: true,
  });
});

test("an owner narrows the orders with filters, refunds a paid order (the buyer's wallet rises) and cancels an unpaid one", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { owner, shop } = await ownerWithShop(api, "Omar");
  const { sku } = await productOf(api, owner, shop, "Leather belt", 4500);
  const ana = await api.register("Ana");
  await api.fund(ana, 10_000);
  const paid = await order(api, ana, shop, sku.id);
  await pay(api, ana, paid.id);
  await expect.poll(() => api.balance(ana)).toBe(5_500);
  const zed = await api.register("Zed");
  const unpaid = await order(api, zed, shop, sku.id);

  const page = await openWorkspace(browser, baseURL, owner, shop, "orders");
  const results = page.getByRole("list", { name: "Orders found" });
  const filters = page.getByRole("search", { name: "Filter orders" });
  await expect(results.getByRole("listitem")).toHaveCount(2);

  // Filters narrow the list: by status, by buyer, by day.
  await filters.getByLabel("Status").selectOption("paid");
  await expect(results.getByRole("listitem")).toHaveCount(1);
  await expect(results).toContainText(`Order ${paid.id} ·`);
  await filters.getByLabel("Status").selectOption("");
  await filters.getByLabel("Search").fill(zed.username);
  await expect(results.getByRole("listitem")).toHaveCount(1);
  await expect(results).toContainText(`@${zed.username}`);
  await filters.getByLabel("Search").fill("");
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await filters.getByLabel("Placed until").fill(yesterday);
  await expect(results.getByRole("listitem")).toHaveCount(0);
  await filters.getByLabel("Placed until").fill("");
  await expect(results.getByRole("listitem")).toHaveCount(2);

  // A partial refund: too much is refused before it is sent; €10.00 goes back to Ana.
  const paidRow = results.getByRole("listitem").filter({ hasText: `Order ${paid.id} ·` });
  await paidRow.getByRole("button", { name: "Refund" }).click();
  const refund = paidRow.getByRole("form", {
    name: `Refund order #${paid.id}`,
  });
  await refund.getByLabel("Amount to refund (EUR)").fill("99");
  await expect(refund).toContainText("Enter an amount above zero and at most €45.00.");
  await expect(refund.getByRole("button", { name: /^Refund/ })).toBeDisabled();
  await refund.getByLabel("Amount to refund (EUR)").fill("10.00");
  await refund.getByRole("button", { name: "Refund €10.00" }).click();
  await expect(
    page.getByText(`Order #${paid.id}: €10.00 is on its way back to the buyer.`),
  ).toBeVisible();
  // payments pays it back (a task): the row follows it until the money is with Ana
  await expect(paidRow).toContainText("€10.00 refunded", { timeout: 20_000 });
  await expect.poll(() => api.balance(ana)).toBe(6_500);
  await page.screenshot({
    path: "test-results/workspace-orders-refund.png",
    fullPage: true,
  });

  // Cancelling asks first; the unpaid order is then cancelled.
  const unpaidRow = results.getByRole("listitem").filter({ hasText: `Order ${unpaid.id} ·` });
  await unpaidRow.getByRole("button", { name: "Cancel order" }).click();
  const confirm = unpaidRow.getByRole("group", {
    name: `Cancel order #${unpaid.id}`,
  });
  await expect(confirm).toContainText("Its items go back on sale.");
  await confirm.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(unpaidRow).toContainText("Cancelled");
  await expectAccessible(page);
});

test("an owner replies to a review, reports another, and creates then disables a coupon that checkout then refuses", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { owner, shop } = await ownerWithShop(api, "Rosa");
  const { sku } = await productOf(api, owner, shop, "Cotton tote", 1500);
  const reviews: { author: Person; text: string }[] = [];
  for (const [name, text] of [
    ["Kai", "Sturdy and pretty"],
    ["Lou", "Buy followers at spam.example"],
  ] as const) {
    const buyer = await api.register(name);
    await api.fund(buyer, 1_500);
    const bought = await order(api, buyer, shop, sku.id);
    await pay(api, buyer, bought.id);
    await expect
      .poll(async () => (await api.get(`/api/v1/shop/orders/${bought.id}`, buyer)).status)
      .toBe("paid");
    const manage = `/api/v1/shops/${shop.id}/manage/orders/${bought.id}`;
    await api.post(`${manage}/ship`, owner, {
      carrier: "DHL",
      tracking_number: "1",
    });
    await api.post(`${manage}/deliver`, owner, {});
    await api.post("/api/v1/shop/reviews", buyer, {
      line_id: bought.lines[0].id,
      rating: name === "Kai" ? 5 : 1,
      text,
    });
    reviews.push({ author: buyer, text });
  }

  const page = await openWorkspace(browser, baseURL, owner, shop, "reviews");
  const [kind, spam] = reviews.map((r) =>
    page.getByRole("listitem", { name: `Review by ${r.author.displayName}` }),
  );
  await expect(kind!).toContainText("5 stars · Cotton tote");
  await kind!.getByLabel(`Reply to ${reviews[0]!.author.displayName}`).fill("Thank you, Kai!");
  await kind!.getByRole("button", { name: "Reply" }).click();
  await expect(kind!).toContainText("Your reply: Thank you, Kai!");
  await spam!.getByRole("button", { name: "Report" }).click();
  await spam!.getByLabel("Why should moderators look at it?").fill("Spam link");
  await spam!.getByRole("button", { name: "Send the report" }).click();
  await expect(spam!).toContainText("1 open report");
  await expectAccessible(page);
  await page.screenshot({
    path: "test-results/workspace-reviews.png",
    fullPage: true,
  });

  await page.goto(`/workspace/brand/${shop.brand_id}/coupons`);
  const form = page.getByRole("region", { name: "New coupon" });
  await form.getByLabel("Code").fill("SPRING10");
  await form.getByLabel("Kind").selectOption("percent");
  await form.getByLabel("Value").fill("150");
  await expect(form.getByText("A percentage from 1 to 100")).toBeVisible();
  await form.getByLabel("Value").fill("10");
  await form.getByRole("button", { name: "Create coupon" }).click();
  const coupon = page
    .getByRole("region", { name: "Your coupons" })
    .getByRole("listitem")
    .filter({ hasText: "SPRING10" });
  await expect(coupon).toContainText("10% off · Active");
  await coupon.getByRole("button", { name: "Disable SPRING10" }).click();
  await expect(coupon).toContainText("10% off · Disabled");
  await expectAccessible(page);
  await page.screenshot({
    path: "test-results/workspace-coupons.png",
    fullPage: true,
  });

  const buyer = await api.register("Max");
  const refused = await request.post(`/api/v1/shops/${shop.id}/checkout`, {
    headers: { Authorization: `Bearer ${buyer.token}` },
    data: {
      items: [{ sku_id: sku.id, quantity: 1 }],
      coupon_code: "SPRING10",
      shipping_address: ADDRESS,
    },
  });
  expect(refused.status()).toBe(422);
  expect((await refused.json()).code).toBe("coupon_disabled");
});
