import { Api, PASSWORD, expect, openChat, sendMessage, signedIn, test } from "./support";

test("two people become contacts and chat in realtime", async ({ browser, baseURL, request }) => {
  const api = new Api(request);
  const mei = await api.register("Mei");
  const context = await browser.newContext({ baseURL });
  // Ken signs up through the form; Mei already has an account.
  const kenPage = await context.newPage();
  await kenPage.goto("/");
  await kenPage.getByRole("link", { name: /create an account/i }).click();
  await kenPage.getByLabel("Display name").fill("Ken Sato");
  await kenPage.getByLabel("Username").fill(`ken${Date.now().toString(36)}`);
  await kenPage.getByLabel("Password").fill(PASSWORD);
  await kenPage.getByRole("button", { name: "Sign up" }).click();
  await expect(kenPage.getByRole("navigation", { name: "Main" })).toBeVisible();
  const meiTab = await signedIn(browser, baseURL, mei);

  // Ken asks Mei by username; Mei accepts from her Contacts tab.
  await kenPage.getByRole("link", { name: "Contacts" }).click();
  await kenPage.getByLabel("Username or contact link").fill(mei.username);
  await kenPage.getByRole("button", { name: "Add" }).click();
  await expect(kenPage.getByRole("status").filter({ hasText: "Request sent" })).toBeVisible();
  await meiTab.getByRole("link", { name: "Contacts" }).click();
  await meiTab.getByRole("button", { name: "Accept Ken Sato" }).click();
  await meiTab.getByRole("button", { name: "Message Ken Sato" }).click();
  await expect(meiTab.getByRole("heading", { name: "Ken Sato" })).toBeVisible();

  await sendMessage(meiTab, "Hello Ken 👋");
  await kenPage.getByRole("link", { name: "Chats" }).click();
  await openChat(kenPage, new RegExp(mei.displayName));
  await expect(
    kenPage.getByRole("list", { name: "Messages" }).getByText("Hello Ken 👋"),
  ).toBeVisible();
  await sendMessage(kenPage, "Hi Mei!");
  // Realtime: Mei sees the reply without reloading.
  await expect(meiTab.getByRole("list", { name: "Messages" }).getByText("Hi Mei!")).toBeVisible();
});

test("a page that comes back sees every missed message once, in order", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [ana, ben] = [await api.register("Ana"), await api.register("Ben")];
  await api.befriend(ana, ben);
  const conversation = await api.direct(ana, ben);
  await api.send(ben, conversation, "before");
  const anaPage = await signedIn(browser, baseURL, ana);
  const benPage = await signedIn(browser, baseURL, ben);
  await openChat(anaPage, new RegExp(ben.displayName));
  await openChat(benPage, new RegExp(ana.displayName));
  const context = anaPage.context();
  await anaPage.close();

  for (const text of ["one", "two", "three"]) await sendMessage(benPage, text);
  await expect(benPage.getByText("Sending…")).toHaveCount(0);

  // Ana comes back: the refresh cookie restores her session after the page was gone.
  const back = await context.newPage();
  await back.goto(`/chats/${conversation}`);
  await expect(back.getByRole("list", { name: "Messages" }).locator("p")).toHaveText([
    "before",
    "one",
    "two",
    "three",
  ]);

  // And while she is online again, a new message arrives exactly once.
  await sendMessage(benPage, "four");
  await expect(back.getByRole("list", { name: "Messages" }).getByText("four")).toHaveCount(1);
});

test("a dropped connection shows the offline state and resyncs on return", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [ana, ben] = [await api.register("Ana"), await api.register("Ben")];
  await api.befriend(ana, ben);
  const conversation = await api.direct(ana, ben);
  const anaPage = await signedIn(browser, baseURL, ana);
  await anaPage.goto(`/chats/${conversation}`);
  await expect(anaPage.getByRole("textbox", { name: "Message" })).toBeVisible();
  await anaPage.context().setOffline(true);
  await anaPage.evaluate(() => window.dispatchEvent(new Event("offline")));
  await expect(anaPage.getByText(/you are offline/i)).toBeVisible();
  for (const text of ["missed 1", "missed 2"]) await api.send(ben, conversation, text);
  await anaPage.context().setOffline(false);
  await anaPage.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(anaPage.getByText(/you are offline/i)).toHaveCount(0);
  const texts = anaPage.getByRole("list", { name: "Messages" }).locator("p");
  await expect(texts).toHaveText(["missed 1", "missed 2"]);
});
