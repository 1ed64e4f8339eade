import type { Page } from "@playwright/test";
import {
  Api,
  expect,
  expectAccessible,
  signedIn,
  test,
  type Person,
  openWorkspace,
  expectSentBackToTeam,
} from "./support";

async function memberCard(page: Page, brandName: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Me" }).click();
  return page
    .getByRole("region", { name: "Member cards" })
    .getByRole("listitem")
    .filter({ hasText: brandName });
}

test("an owner sets up loyalty, segments by tier with the audience shown and sends a campaign; an associate records an in-store purchase the member sees on their card", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const owner = await api.register("Olive");
  const associate = await api.register("Sam");
  const [mia, gus, gil] = await Promise.all([
    api.register("Mia"),
    api.register("Gus"),
    api.register("Gil"),
  ]);
  const brand = await api.post("/api/v1/brands", owner, {
    name: `Atelier ${owner.username.slice(-5)}`,
  });
  const account = await api.post("/api/v1/official-accounts", owner, {
    brand: brand.id,
    name: brand.name,
    kind: "service",
  });
  await api.post(`/api/v1/teams/brand/${brand.id}/invitations`, owner, {
    username: associate.username,
    role: "associate",
  });
  const [invitation] = (await api.get("/api/v1/invitations", associate)).results;
  await api.post(`/api/v1/invitations/${invitation.id}/accept`, associate, {});

  // The owner starts the program, adds a tier and offers a reward.
  const ownerPage = await signedIn(browser, baseURL, owner);
  await openWorkspace(ownerPage, "Loyalty");
  const start = ownerPage.getByRole("region", {
    name: "Start a loyalty program",
  });
  await start.getByLabel("Program name").fill("Atelier Club");
  await start.getByLabel("Points per currency unit spent").fill("1");
  await start.getByRole("button", { name: "Start the program" }).click();
  await expect(ownerPage.getByRole("region", { name: "Program rules" })).toContainText(
    "Members earn 1 points per 1 EUR spent.",
  );
  const tiers = ownerPage.getByRole("region", { name: "Tiers" });
  const addTier = tiers.getByRole("form", { name: "Add a tier" });
  await addTier.getByLabel("Tier name").fill("Gold");
  await addTier.getByLabel("Reached at 12-month spend of (EUR)").fill("100");
  await addTier.getByLabel("Points multiplier (%)").fill("200");
  await addTier.getByRole("button", { name: "Add a tier" }).click();
  await expect(tiers.getByRole("listitem").filter({ hasText: "Gold" })).toContainText(
    "From €100.00 spent in 12 months · points ×2",
  );
  const rewards = ownerPage.getByRole("region", { name: "Rewards" });
  const newReward = rewards.getByRole("form", { name: "New reward" });
  await newReward.getByLabel("Reward name").fill("5 off");
  await newReward.getByLabel("Points it costs").fill("100");
  await newReward.getByLabel("Coupon value").fill("5");
  await newReward.getByRole("button", { name: "Offer the reward" }).click();
  const reward = rewards.getByRole("listitem").filter({ hasText: "5 off" });
  await expect(reward).toContainText("100 points · €5.00 off coupon");
  await reward.getByRole("button", { name: "Edit 5 off" }).click();
  await reward.getByLabel("Points it costs").fill("120");
  await reward.getByRole("button", { name: "Save" }).click();
  await expect(reward).toContainText("120 points · €5.00 off coupon");

  // Three people join; two spend enough in store for Gold; only Gus consents and follows.
  const cards: Record<string, { member_number: string }> = {};
  for (const person of [mia, gus, gil] as Person[]) {
    cards[person.username] = await api.post(
      `/api/v1/loyalty/brands/${brand.id}/membership`,
      person,
      {},
    );
  }
  for (const [person, amount] of [
    [gus, 15000],
    [gil, 12000],
  ] as const) {
    await api.post(`/api/v1/loyalty/brands/${brand.id}/in-store-purchases`, owner, {
      card: cards[person.username].member_number,
      amount,
      currency: "EUR",
      reference: `setup-${person.username}`,
    });
  }
  await api.post("/api/v1/me/consents", gus, {
    purpose: "marketing",
    brand_id: brand.id,
  });
  await api.post(`/api/v1/official-accounts/${account.id}/follow`, gus, {});

  // A segment of Gold clients: the audience shrinks as the tier is ticked.
  await ownerPage.reload();
  const editor = ownerPage.getByRole("form", { name: "New segment" });
  const audience = editor.getByRole("status");
  await expect(audience).toHaveText("Audience: 3 clients · 1 consent to marketing");
  await editor.getByLabel("Segment name").fill("Gold clients");
  await editor.getByRole("checkbox", { name: "Gold" }).check();
  await expect(audience).toHaveText("Audience: 2 clients · 1 consent to marketing");
  await editor.getByLabel("12-month spend at least (EUR)").fill("130");
  await expect(audience).toHaveText("Audience: 1 client · 1 consent to marketing");
  await editor.getByLabel("12-month spend at least (EUR)").fill("");
  await expect(audience).toHaveText("Audience: 2 clients · 1 consent to marketing");
  await editor.getByRole("button", { name: "Save the segment" }).click();
  await expect(ownerPage.getByRole("list", { name: "Saved segments" })).toContainText(
    "Gold clients",
  );
  await ownerPage.screenshot({
    path: "test-results/workspace-loyalty-owner.png",
    fullPage: true,
  });

  // A campaign to it reaches the consenting client only, and its results are charted.
  const compose = ownerPage.getByRole("form", { name: "New campaign" });
  await expect(compose).toContainText(
    `Only clients who consent to marketing by ${brand.name} receive it`,
  );
  await compose.getByLabel("Segment").selectOption({ label: "Gold clients" });
  await expect(compose.getByRole("status")).toHaveText(
    "2 clients in this segment · 1 consenting will receive it",
  );
  await compose.getByLabel("Title").fill("Private sale");
  await compose.getByLabel("Message").fill("Thursday, 10am, for our Gold clients.");
  await compose.getByRole("button", { name: "Send the campaign" }).click();
  const sent = ownerPage.getByRole("list", { name: "Sent campaigns" });
  await expect(sent).toContainText("Private sale · Gold clients");
  await expect(async () => {
    await ownerPage.reload();
    await expect(sent).toContainText("1 consenting · 1 delivered · 1 skipped without consent", {
      timeout: 2_000,
    });
  }).toPass({ timeout: 20_000 });
  await expect(
    ownerPage.getByRole("figure", {
      name: "Results of 1 campaign: 1 consenting recipients in all",
    }),
  ).toBeVisible();
  await expectAccessible(ownerPage);
  await ownerPage.setViewportSize({ width: 1280, height: 900 });
  await ownerPage
    .getByRole("region", { name: "Campaigns" })
    .screenshot({ path: "test-results/workspace-loyalty-campaigns.png" });

  // Mia sees her card before the till; the associate finds her by the number and books a sale.
  const miaPage = await signedIn(browser, baseURL, mia);
  const miaCard = await memberCard(miaPage, brand.name);
  await expect(miaCard).toContainText("0 points");

  const associatePage = await signedIn(browser, baseURL, associate);
  await openWorkspace(associatePage, "In-store");
  const nav = associatePage.getByRole("navigation", { name: "Workspace" });
  await expect(nav.getByRole("link", { name: "Loyalty", exact: true })).toHaveCount(0);
  const number = cards[mia.username].member_number;
  await associatePage.getByLabel("Card or member number").fill(number);
  await associatePage.getByRole("button", { name: "Look up" }).click();
  const found = associatePage.getByRole("region", { name: mia.displayName });
  await expect(found).toContainText(`No. ${number} · Member · 0 points`);
  await found.getByLabel("Amount paid (EUR)").fill("25.00");
  await found.getByRole("button", { name: "Record the purchase" }).click();
  await expect(found).toContainText(`No. ${number} · Member · 25 points`);
  await expect(associatePage.getByText("€25.00 recorded: 25 points earned")).toBeVisible();
  await expectAccessible(associatePage);
  await associatePage.screenshot({
    path: "test-results/workspace-loyalty-in-store.png",
  });

  await miaPage.reload();
  await expect(await memberCard(miaPage, brand.name)).toContainText("25 points");

  // The owner-only loyalty screen is neither offered nor rendered to the associate…
  await expectSentBackToTeam(associatePage, brand.id, "loyalty");
  await expect(associatePage.getByRole("region", { name: "Program rules" })).toHaveCount(0);

  // …and the API refuses them its writes and results.
  const asAssociate = { Authorization: `Bearer ${associate.token}` };
  const loyalty = `/api/v1/loyalty/brands/${brand.id}`;
  const refusals = [
    await request.patch(`${loyalty}/program`, {
      headers: asAssociate,
      data: { name: "Mine" },
    }),
    await request.post(`${loyalty}/tiers`, {
      headers: asAssociate,
      data: { name: "Platinum", min_spend: 900000 },
    }),
    await request.post(`${loyalty}/rewards`, {
      headers: asAssociate,
      data: {
        name: "Free",
        points_cost: 1,
        coupon_kind: "percent",
        coupon_value: 100,
      },
    }),
    await request.get(`${loyalty}/campaigns`, { headers: asAssociate }),
  ];
  for (const response of refusals) {
    expect(response.status(), `${response.url()}`).toBe(403);
  }
});
