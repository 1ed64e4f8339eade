import { Api, DEMO_PASSWORD, expect, signedIn, test } from "./support";

test("a Moment and its comment are seen only by those the rule allows", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [author, friend, otherFriend, stranger] = [
    await api.register("Author"),
    await api.register("Friend"),
    await api.register("Other"),
    await api.register("Stranger"),
  ];
  await api.befriend(author, friend);
  await api.befriend(author, otherFriend);
  const text = `Sunset walk ${Date.now()}`;

  const authorPage = await signedIn(browser, baseURL, author);
  await authorPage.goto("/moments");
  await authorPage.getByLabel("Share a moment").fill(text);
  await authorPage.getByRole("button", { name: "Post" }).click();
  await expect(
    authorPage.getByRole("article", { name: `Moment by ${author.displayName}` }),
  ).toContainText(text);

  const friendPage = await signedIn(browser, baseURL, friend);
  await friendPage.goto("/moments");
  const moment = friendPage.getByRole("article", { name: `Moment by ${author.displayName}` });
  await expect(moment).toContainText(text);
  await moment.getByLabel(`Comment on ${author.displayName}'s moment`).fill("Beautiful!");
  await moment.getByRole("button", { name: "Comment" }).click();
  await expect(moment.getByRole("list", { name: "Comments" })).toContainText("Beautiful!");

  // The author's other friend sees the Moment but not the comment of someone who is not
  // their friend (WeChat's mutual-friends rule); a stranger sees nothing.
  const otherPage = await signedIn(browser, baseURL, otherFriend);
  await otherPage.goto("/moments");
  const seen = otherPage.getByRole("article", { name: `Moment by ${author.displayName}` });
  await expect(seen).toContainText(text);
  await expect(seen).not.toContainText("Beautiful!");
  const strangerPage = await signedIn(browser, baseURL, stranger);
  await strangerPage.goto("/moments");
  await expect(strangerPage.getByText("No moments yet.")).toBeVisible();
  await expect(strangerPage.getByText(text)).toHaveCount(0);
});

test("following an account shows its broadcast", async ({ browser, baseURL, request }) => {
  const api = new Api(request);
  const fan = await api.register("Fan");
  const owner = await api.login("alice", DEMO_PASSWORD);
  const page = await signedIn(browser, baseURL, fan);
  await page.getByRole("link", { name: "Discover" }).click();
  await page.getByRole("link", { name: "Official accounts" }).click();
  await page.getByRole("link", { name: /Maison Lune/ }).click();
  await expect(page.getByRole("article", { name: "The autumn edit" })).toBeVisible();
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByRole("button", { name: "Unfollow" })).toBeVisible();

  const accounts = await api.get("/api/v1/official-accounts?discover=true", owner);
  const account = accounts.results.find((a: { name: string }) => a.name === "Maison Lune");
  const title = `Winter sale ${Date.now()}`;
  await api.post(`/api/v1/official-accounts/${account.id}/broadcasts`, owner, {
    title,
    body: "Everything -20%",
  });

  await page.getByRole("button", { name: "Back" }).click();
  await expect(
    page.getByRole("region", { name: "Subscriptions" }).getByRole("article", { name: title }),
  ).toBeVisible();
});
