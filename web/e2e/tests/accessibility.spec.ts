import { Api, expect, expectAccessible, openChat, signedIn, test } from "./support";

test("axe finds no serious or critical violation on the main screens", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [me, friend] = [await api.register("Axe"), await api.register("Pal")];
  await api.befriend(me, friend);
  const conversation = await api.direct(me, friend);
  await api.send(friend, conversation, "Hello there");

  const anonymous = await (await browser.newContext({ baseURL })).newPage();
  await anonymous.goto("/");
  await expect(anonymous.getByRole("button", { name: "Log in" })).toBeVisible();
  await expectAccessible(anonymous);

  const page = await signedIn(browser, baseURL, me);
  await expect(page.getByRole("list", { name: "Chats" })).toBeVisible();
  await expectAccessible(page);
  await openChat(page, new RegExp(friend.displayName));
  await expect(page.getByText("Hello there")).toBeVisible();
  await expectAccessible(page);
  for (const [path, heading] of [
    ["/contacts", "Contacts"],
    ["/discover", "Discover"],
    ["/moments", "Moments"],
    ["/accounts", "Official accounts"],
    ["/wallet", "Wallet"],
    ["/me", "Me"],
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await expectAccessible(page);
  }
});
