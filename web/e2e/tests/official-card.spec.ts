import { Api, expect, openChat, signedIn, test } from "./support";

test("an official account's card in a chat opens the account's profile", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const ana = await api.register("Ana");
  const ben = await api.register("Ben");
  await api.befriend(ana, ben);
  const chat = await api.direct(ana, ben);
  const accounts = await api.get("/api/v1/official-accounts?discover=true", ana);
  const lune = accounts.results.find((a: { name: string }) => a.name.startsWith("Maison Lune"));
  await api.post(`/api/v1/conversations/${chat}/messages`, ana, {
    type: "official_account",
    payload: { account_id: lune.id },
    client_msg_id: `card-${Date.now()}`,
  });

  const page = await signedIn(browser, baseURL, ben);
  await openChat(page, ana.displayName);
  await page.getByRole("link", { name: `Official account ${lune.name}` }).click();

  await expect(page).toHaveURL(new RegExp(`/accounts/${lune.id}$`));
  await expect(page.getByRole("heading", { name: lune.name }).first()).toBeVisible();
});
