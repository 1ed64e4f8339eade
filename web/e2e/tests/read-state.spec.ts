import { Api, expect, openChat, sendMessage, signedIn, test } from "./support";

test("in a direct chat my message shows Read once the peer has read it, live", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [ann, ben] = [await api.register("Ann"), await api.register("Ben")];
  await api.befriend(ann, ben);
  await api.direct(ann, ben);
  const annPage = await signedIn(browser, baseURL, ann);
  await openChat(annPage, ben.displayName);
  await sendMessage(annPage, "Are you there?");
  const mine = annPage
    .getByRole("list", { name: "Messages" })
    .getByRole("listitem")
    .filter({ hasText: "Are you there?" });
  await expect(mine).toBeVisible();
  await expect(mine.locator("time")).toBeVisible();
  await expect(mine).not.toContainText("Read");

  const benPage = await signedIn(browser, baseURL, ben);
  await openChat(benPage, ann.displayName);
  await expect(benPage.getByText("Are you there?")).toBeVisible();
  await expect(mine).toContainText("Read");
  await sendMessage(annPage, "Still there?");
  const next = annPage.getByRole("listitem").filter({ hasText: "Still there?" });
  await expect(benPage.getByText("Still there?")).toBeVisible();
  await expect(next).toContainText("Read");
});
