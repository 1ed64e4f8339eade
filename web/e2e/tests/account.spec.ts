import { Api, PASSWORD, expect, openChat, signedIn, test } from "./support";

test("the session survives a reload and logging out ends it", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const person = await api.register("Reload");
  const page = await signedIn(browser, baseURL, person);
  // No token in web storage: only the HttpOnly cookie keeps the session.
  const stored = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  );
  expect(stored).not.toMatch(/token/i);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "plaza_refresh")).toMatchObject({
    httpOnly: true,
    sameSite: "Strict",
    path: "/api/v1/auth/",
  });
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("link", { name: "Me" }).click();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
});

test("a reload that cuts off the page's refresh keeps the person signed in", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const page = await signedIn(browser, baseURL, await api.register("Hasty"));
  // The server rotates the token, but its answer (and the new cookie) never reaches the page,
  // as when a second reload interrupts the first one's refresh.
  const context = page.context();
  const heldCookie = (await context.cookies()).filter((cookie) => cookie.name === "plaza_refresh");
  let cutOff = false;
  await page.route("**/api/v1/auth/refresh", async (route) => {
    const answered = await route.fetch();
    await context.addCookies(heldCookie); // route.fetch stored the new cookie; the page never got it
    cutOff = answered.ok();
    await route.abort("aborted");
  });
  await page.reload();
  await expect.poll(() => cutOff).toBe(true);
  await page.unroute("**/api/v1/auth/refresh");
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("link", { name: "Me" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
});

test("erasure logs the person out and their name is gone from a friend's chat", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [leaver, friend] = [await api.register("Leaver"), await api.register("Friend")];
  await api.befriend(leaver, friend);
  const conversation = await api.direct(leaver, friend);
  await api.send(leaver, conversation, "Goodbye for now");

  const leaverPage = await signedIn(browser, baseURL, leaver);
  await leaverPage.getByRole("link", { name: "Me" }).click();
  await leaverPage.getByRole("button", { name: "Erase my account" }).click();
  const dialog = leaverPage.getByRole("dialog", { name: "Erase your account?" });
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Erase my account for ever" }).click();
  await expect(leaverPage.getByRole("button", { name: "Log in" })).toBeVisible();

  const friendPage = await signedIn(browser, baseURL, friend);
  await expect(friendPage.getByRole("list", { name: "Chats" })).toBeVisible();
  await expect(friendPage.getByText(leaver.displayName)).toHaveCount(0);
  await friendPage.goto(`/chats/${conversation}`);
  await expect(friendPage.getByRole("textbox", { name: "Message" })).toBeVisible();
  await expect(friendPage.getByText(leaver.displayName)).toHaveCount(0);
  await expect(friendPage.getByText("Goodbye for now")).toHaveCount(0);
});
