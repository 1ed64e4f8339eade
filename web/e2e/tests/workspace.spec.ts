import type { Page } from "@playwright/test";
import {
  Api,
  RED_PNG,
  expect,
  expectAccessible,
  signedIn,
  test,
  openWorkspace,
  expectSentBackToTeam,
} from "./support";

test("a brand owner invites an associate who accepts, opens the shop and sells a product with a photo; the associate sees no owner-only screen", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const owner = await api.register("Olive");
  const associate = await api.register("Sam");
  const brand = await api.post("/api/v1/brands", owner, {
    name: `Atelier ${owner.username.slice(-5)}`,
  });

  // The owner invites the associate from the team screen.
  const ownerPage = await signedIn(browser, baseURL, owner);
  await openWorkspace(ownerPage);
  await expect(ownerPage.getByRole("heading", { name: `${brand.name} team` })).toBeVisible();
  const invite = ownerPage.getByRole("region", { name: "Invite someone" });
  await invite.getByLabel("Username").fill(associate.username);
  await invite.getByLabel("Role").selectOption("associate");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(ownerPage.getByRole("region", { name: "Invitations" })).toContainText(
    `@${associate.username} · Associate`,
  );

  // The associate, in another browser context, accepts it on Me.
  const associatePage = await signedIn(browser, baseURL, associate);
  await associatePage
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Me" })
    .click();
  const invitations = associatePage.getByRole("region", {
    name: "Invitations",
  });
  await expect(invitations).toContainText(
    `${owner.username} invites you to ${brand.name} as Associate`,
  );
  await invitations.getByRole("button", { name: `Accept the invitation to ${brand.name}` }).click();
  await expect(invitations).toBeHidden();

  // The owner sees the new member, can change their role, and reads the audit log.
  await ownerPage.reload();
  await expect(ownerPage.getByLabel(`Role of ${associate.username}`)).toHaveValue("associate");
  await expect(ownerPage.getByRole("region", { name: "Audit log" })).toContainText(
    `${associate.username} accepted the invitation`,
  );
  await expectAccessible(ownerPage);

  // The owner turns the storefront on and creates a product with a photo.
  await ownerPage
    .getByRole("navigation", { name: "Workspace" })
    .getByRole("link", { name: "Shop" })
    .click();
  await ownerPage.getByRole("button", { name: "Turn the storefront on" }).click();
  await expect(ownerPage.getByRole("link", { name: "Open the storefront" })).toBeVisible();
  const form = ownerPage.getByRole("region", { name: "New product" });
  await form.getByLabel("Title").fill("Silk scarf");
  await form.getByLabel("Price (EUR)").fill("49.00");
  await form.getByLabel("Stock per variant").fill("5");
  await form.getByLabel("Variants (optional)").fill("S, M");
  await form.getByLabel("Photo").setInputFiles(RED_PNG);
  await expect(form.getByRole("img", { name: "The chosen photo" })).toBeVisible();
  await form.getByRole("button", { name: "Create and publish" }).click();
  const product = ownerPage
    .getByRole("region", { name: "Products" })
    .getByRole("listitem")
    .filter({ hasText: "Silk scarf" });
  await expect(product).toContainText("Published · 10 in stock · 2 variants · €49.00");
  await expect(product.getByRole("img", { name: "Silk scarf" })).toBeVisible();
  await expectAccessible(ownerPage);
  await ownerPage.screenshot({
    path: "test-results/workspace-shop.png",
    fullPage: true,
  });

  // The associate sees the team, not the owner's screens, in the nav or by typing the address.
  await openWorkspace(associatePage);
  const nav = associatePage.getByRole("navigation", { name: "Workspace" });
  await expect(nav.getByRole("link", { name: "Team", exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Shop", exact: true })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Orders", exact: true })).toHaveCount(0);
  await expect(associatePage.getByRole("region", { name: "Members" })).toContainText(
    owner.username,
  );
  await expect(associatePage.getByRole("heading", { name: "Audit log" })).toHaveCount(0);
  await expect(associatePage.getByRole("heading", { name: "Invite someone" })).toHaveCount(0);
  await expect(associatePage.getByLabel(/Role of/)).toHaveCount(0);
  await expectSentBackToTeam(associatePage, brand.id, "shop");
  await expect(associatePage.getByRole("button", { name: "Turn the storefront on" })).toHaveCount(
    0,
  );

  // …and the API refuses them the same.
  const asAssociate = { Authorization: `Bearer ${associate.token}` };
  const shop = await api.get(`/api/v1/brands/${brand.id}/shop`, owner);
  const refusals = [
    await request.get(`/api/v1/teams/brand/${brand.id}/audit-log`, {
      headers: asAssociate,
    }),
    await request.get(`/api/v1/teams/brand/${brand.id}/invitations`, {
      headers: asAssociate,
    }),
    await request.post(`/api/v1/teams/brand/${brand.id}/invitations`, {
      headers: asAssociate,
      data: { username: owner.username, role: "admin" },
    }),
    await request.post(`/api/v1/shops/${shop.id}/products`, {
      headers: asAssociate,
      data: { handle: "sneaky", title: "Sneaky" },
    }),
  ];
  for (const response of refusals) {
    expect([403, 404], `${response.url()} → ${response.status()}`).toContain(response.status());
  }
  await associatePage.screenshot({
    path: "test-results/workspace-associate.png",
  });
});
