import type { Page } from "@playwright/test";
import { Api, RED_PNG, expect, expectAccessible, signedIn, test, openWorkspace } from "./support";

test("a brand owner edits the official account, writes and broadcasts an article that a follower opens; an associate is not offered the editor", async ({
  browser,
  baseURL,
  request,
}) => {
  test.setTimeout(180_000);
  const api = new Api(request);
  const owner = await api.register("Odile");
  const follower = await api.register("Fanny");
  const associate = await api.register("Abel");
  const brand = await api.post("/api/v1/brands", owner, {
    name: `Maison ${owner.username.slice(-5)}`,
  });
  const account = await api.post("/api/v1/official-accounts", owner, {
    brand: brand.id,
    name: `${brand.name} News`,
    kind: "subscription",
  });
  await api.post(`/api/v1/official-accounts/${account.id}/follow`, follower, {});
  const invitation = await api.post(`/api/v1/teams/brand/${brand.id}/invitations`, owner, {
    username: associate.username,
    role: "associate",
  });
  await api.post(`/api/v1/invitations/${invitation.id}/accept`, associate, {});

  // The follower waits on their official-accounts feed.
  const followerPage = await signedIn(browser, baseURL, follower);
  await followerPage.goto("/accounts");
  await expect(
    followerPage.getByText("Follow an account to see its broadcasts here."),
  ).toBeVisible();

  // Profile: description and avatar.
  const ownerPage = await signedIn(browser, baseURL, owner);
  await openWorkspace(ownerPage, "Official account");
  await expect(ownerPage.getByRole("heading", { name: "Profile" })).toBeVisible();
  await ownerPage.getByLabel("Description").fill("Moonlit knitwear from Paris.");
  await ownerPage.getByRole("button", { name: "Save", exact: true }).click();
  await expect(ownerPage.getByRole("status").filter({ hasText: "Profile saved" })).toBeVisible();
  await ownerPage.getByLabel("Change the avatar").setInputFiles(RED_PNG);
  await expect(ownerPage.locator("img.official-avatar")).toBeVisible();
  const verification = ownerPage.getByRole("region", { name: "Verification" });
  await expect(verification).toContainText("Not verified");
  await ownerPage.getByRole("button", { name: "Request verification" }).click();
  await expect(verification).toContainText("Verification requested on");

  // Articles: two kinds of block, seen in the preview as followers will see them.
  await ownerPage.getByRole("tab", { name: "Articles" }).click();
  await ownerPage.getByLabel("Title", { exact: true }).fill("The winter edit");
  await ownerPage.getByLabel("Block 1: paragraph").fill("Cashmere, wool and moonlight.");
  await ownerPage.getByRole("button", { name: "+ Heading" }).click();
  await ownerPage.getByLabel("Block 2: heading").fill("Three coats");
  await ownerPage.getByRole("button", { name: "+ Quote" }).click();
  await ownerPage.getByLabel("Block 3: quote").fill("Warm as a promise.");
  const preview = ownerPage.getByRole("region", { name: "Preview" });
  await expect(preview.getByRole("heading", { name: "The winter edit" })).toBeVisible();
  await expect(preview.getByRole("heading", { name: "Three coats" })).toBeVisible();
  await expect(preview.locator("blockquote")).toHaveText("Warm as a promise.");
  await ownerPage.screenshot({
    path: "test-results/workspace-official-article.png",
    fullPage: true,
  });
  await ownerPage.getByRole("button", { name: "Publish" }).click();
  await expect(
    ownerPage.getByRole("status").filter({ hasText: "Article published" }),
  ).toBeVisible();
  await expect(ownerPage.getByRole("region", { name: "Published articles" })).toContainText(
    "The winter edit",
  );

  // Menu: an item opening the article.
  await ownerPage.getByRole("tab", { name: "Menu" }).click();
  await ownerPage.getByLabel("Item name").fill("Winter");
  await ownerPage.getByLabel("Opens").selectOption("article");
  await expect(ownerPage.getByLabel("Article", { exact: true })).toContainText("The winter edit");
  await ownerPage.getByRole("button", { name: "Add to the menu" }).click();
  await expect(ownerPage.getByRole("list", { name: "Menu items" })).toContainText("Winter");
  await ownerPage.getByRole("button", { name: "Save the menu" }).click();
  await expect(ownerPage.getByRole("status").filter({ hasText: "Menu saved" })).toBeVisible();

  // Auto-replies: add one, then edit it.
  await ownerPage.getByRole("tab", { name: "Auto-replies" }).click();
  const add = ownerPage.getByRole("form", { name: "Add the auto-reply" });
  await add.getByLabel("Keyword").fill("hours");
  await add.getByLabel("Reply").fill("Open 10-19, Monday to Saturday.");
  await add.getByRole("button", { name: "Add the auto-reply" }).click();
  await ownerPage.getByRole("button", { name: "Edit hours" }).click();
  const edit = ownerPage.getByRole("form", { name: "Save" });
  await edit.getByLabel("Reply").fill("Open 10-20, every day.");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(ownerPage.getByRole("list", { name: "Auto-replies" })).toContainText(
    "Open 10-20, every day.",
  );

  // Broadcast the article: the quota left, a confirmation, then the quota spent.
  await ownerPage.getByRole("tab", { name: "Broadcast" }).click();
  const quota = ownerPage.locator(".official-quota");
  await expect(quota).toContainText("1 broadcast left today (of 1).");
  await expect(ownerPage.getByLabel("Article", { exact: true })).toContainText("The winter edit");
  await ownerPage.getByRole("button", { name: "Send to followers…" }).click();
  await expect(ownerPage.getByRole("alertdialog")).toContainText(
    "Send “The winter edit” to 1 follower now?",
  );
  await ownerPage.getByRole("button", { name: "Yes, send it" }).click();
  await expect(ownerPage.getByRole("status").filter({ hasText: "Broadcast sent" })).toBeVisible();
  await expect(quota).toContainText("0 broadcasts left today (of 1).");
  await expect(ownerPage.getByRole("button", { name: "Send to followers…" })).toBeDisabled();
  await ownerPage.screenshot({
    path: "test-results/workspace-official-broadcast.png",
    fullPage: true,
  });

  // The followers chart.
  await ownerPage.getByRole("tab", { name: "Followers" }).click();
  await expect(ownerPage.getByRole("figure", { name: "Followers per day" })).toBeVisible();
  await expect(ownerPage.locator(".recharts-area-curve")).toBeVisible();
  await expectAccessible(ownerPage);
  await ownerPage.setViewportSize({ width: 1280, height: 900 });
  await ownerPage.screenshot({
    path: "test-results/workspace-official-followers-desktop.png",
    fullPage: true,
  });

  // The follower's feed shows the broadcast without a reload, and it opens the article.
  const broadcast = followerPage.getByRole("article", {
    name: "The winter edit",
  });
  await expect(broadcast).toBeVisible();
  await expect(broadcast).toContainText("Cashmere, wool and moonlight.");
  await broadcast.getByRole("link", { name: "Read the article" }).click();
  const article = followerPage.getByRole("article", {
    name: "The winter edit",
  });
  await expect(article.getByRole("heading", { name: "Three coats" })).toBeVisible();
  await expect(
    followerPage
      .getByRole("navigation", { name: "Account menu" })
      .getByRole("link", { name: "Winter" }),
  ).toBeVisible();
  await followerPage.screenshot({
    path: "test-results/workspace-official-follower.png",
    fullPage: true,
  });

  // The associate is not offered the editor, and the API refuses them too.
  const associatePage = await signedIn(browser, baseURL, associate);
  await associatePage.goto(`/workspace/brand/${brand.id}/team`);
  const nav = associatePage.getByRole("navigation", { name: "Workspace" });
  await expect(nav.getByRole("link", { name: "Team", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Official account" })).toHaveCount(0);
  await associatePage.goto(`/workspace/brand/${brand.id}/official`);
  await expect(associatePage).toHaveURL(/\/team$/);
  const refused = await request.get(`/api/v1/official-accounts/${account.id}/follower-stats`, {
    headers: { Authorization: `Bearer ${associate.token}` },
  });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).code).toBe("insufficient_role");
});
