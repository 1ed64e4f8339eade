import { Api, DEMO_PASSWORD, expect, expectAccessible, signedIn, test } from "./support";

test("alice finds a message of the demo group and opens the chat at it", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [alice, bob] = [
    await api.login("alice", DEMO_PASSWORD),
    await api.login("bob", DEMO_PASSWORD),
  ];
  // Push "Bus at 8!" out of the latest page, so opening it has to load the page around it.
  const conversations = await api.get("/api/v1/conversations?limit=50", bob);
  const group = conversations.results.find((c: { title: string }) => c.title === "Weekend hike");
  for (let n = 1; n <= 60; n += 1) await api.send(bob, group.id, `Checking in, number ${n}`);

  const page = await signedIn(browser, baseURL, alice, DEMO_PASSWORD);
  await page.getByRole("searchbox", { name: "Search" }).fill("bus");
  const messages = page.getByRole("list", { name: "Messages" });
  const result = messages.getByRole("link", { name: /Bus at 8!/ });
  await expect(result).toBeVisible();
  await expect(result.locator("mark")).toHaveText("Bus");
  await expectAccessible(page);

  await result.click();
  const found = page.locator('li[aria-current="true"]');
  await expect(found).toContainText("Bus at 8!");
  await expect(found).toBeInViewport();
  await expect(page.getByText("Checking in, number 60")).toBeAttached();
});

test("More lists every result of a kind, a page at a time", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [alice, bob] = [
    await api.login("alice", DEMO_PASSWORD),
    await api.login("bob", DEMO_PASSWORD),
  ];
  const group = await api.group(alice, [bob], "Paging trip");
  for (let n = 1; n <= 25; n += 1) await api.send(bob, group, `Paging note ${n}`);

  const page = await signedIn(browser, baseURL, alice, DEMO_PASSWORD);
  await page.getByRole("searchbox", { name: "Search" }).fill("paging note");
  await page.getByRole("link", { name: "More Messages" }).click();
  const messages = page.getByRole("list", { name: "Messages" });
  await expect(messages.getByRole("link")).toHaveCount(20);
  await expectAccessible(page);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(messages.getByRole("link")).toHaveCount(25);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
});

test("a search for an official account opens its profile", async ({ browser, baseURL }) => {
  const page = await signedIn(browser, baseURL, { username: "carol" }, DEMO_PASSWORD);
  await page.getByRole("link", { name: "Discover" }).click();
  await expect(
    page
      .getByRole("list", { name: "Official accounts" })
      .getByRole("link", { name: /Maison Lune/ }),
  ).toBeVisible();
  await page.getByRole("searchbox", { name: "Search" }).fill("maison");
  await page
    .getByRole("list", { name: "Official accounts" })
    .getByRole("link", { name: /Maison Lune/ })
    .click();
  await expect(page.getByRole("heading", { name: "Maison Lune", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: /Follow|Unfollow/ })).toBeVisible();
});

test("a product opens in its storefront, a mini-program in the host, a live show in its room", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const alice = await api.login("alice", DEMO_PASSWORD);
  const [product] = (await api.get("/api/v1/search?q=silk%20scarf&kind=products", alice)).results;
  const [app] = (await api.get("/api/v1/search?q=corner%20coffee&kind=miniprograms", alice))
    .results;
  const [show] = (await api.get("/api/v1/search?q=autumn%20edit&kind=live_shows", alice)).results;

  const page = await signedIn(browser, baseURL, alice, DEMO_PASSWORD);
  await page.getByRole("link", { name: "Discover" }).click();
  await expect(
    page
      .getByRole("list", { name: "Mini-programs", exact: true })
      .getByRole("link", { name: /Corner Coffee/ }),
  ).toBeVisible();
  await expect(
    page.getByRole("list", { name: "Live shows" }).getByRole("link", { name: /autumn edit/ }),
  ).toBeVisible();
  const search = page.getByRole("searchbox", { name: "Search" });
  await search.fill("silk scarf");
  await expect(
    page
      .getByRole("list", { name: "Products" })
      .getByRole("link", { name: /Silk scarf/ })
      .first(),
  ).toHaveAttribute(
    "href",
    `/apps/${product.open.app_id}?path=%2Fproducts%2F${product.id}&from=search`,
  );
  await search.fill("corner coffee");
  await expect(
    page
      .getByRole("list", { name: "Mini-programs", exact: true })
      .getByRole("link", { name: /Corner Coffee/ }),
  ).toHaveAttribute("href", `/apps/${app.open.app_id}?from=search`);
  await search.fill("autumn edit");
  await expect(
    page.getByRole("list", { name: "Live shows" }).getByRole("link", { name: /autumn edit/ }),
  ).toHaveAttribute("href", `/live/${show.id}`);
  await expectAccessible(page);
});
