import {
  Api,
  DEMO_PASSWORD,
  expect,
  expectAccessible,
  signedIn,
  test,
  expectSentBackToTeam,
} from "./support";

test("an associate answers a follower live with a canned reply, then notes and tags the client; owner-only screens stay closed to them", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  // The demo brand Maison Lune: verified, with a service account; alice owns it, bob is its associate.
  const alice = await api.login("alice", DEMO_PASSWORD);
  const bob = await api.login("bob", DEMO_PASSWORD);
  const brands = await api.get("/api/v1/brands", alice);
  const brand = brands.results.find((b: { name: string }) => b.name === "Maison Lune");
  const accounts = await api.get("/api/v1/official-accounts?discover=true", alice);
  const account = accounts.results.find((a: { name: string }) => a.name === "Maison Lune");
  const cannedTitle = `Sizes ${Date.now().toString(36)}`;
  const cannedText = "Our knits run true to size; the M fits most.";
  await api.post(`/api/v1/brands/${brand.id}/canned-replies`, alice, {
    title: cannedTitle,
    text: cannedText,
  });
  const follower = await api.register("Flora");
  await api.post(`/api/v1/official-accounts/${account.id}/follow`, follower, {});

  // The associate opens the inbox on their phone before anything arrives.
  const associatePage = await signedIn(browser, baseURL, bob, DEMO_PASSWORD);
  await associatePage.goto(`/workspace/brand/${brand.id}/team`);
  const nav = associatePage.getByRole("navigation", { name: "Workspace" });
  await expect(nav.getByRole("link", { name: "Shop", exact: true })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Orders", exact: true })).toHaveCount(0);
  await nav.getByRole("link", { name: "Customer service" }).click();
  const inbox = associatePage.getByRole("list", { name: "Inbox" });
  await expect(associatePage.getByRole("heading", { name: "Customer service" })).toBeVisible();

  // The follower writes to the brand's account in their own browser.
  const followerPage = await signedIn(browser, baseURL, follower);
  await followerPage.goto(`/accounts/${account.id}`);
  await followerPage
    .getByRole("textbox", { name: "Message the account" })
    .fill("Is the cashmere jumper true to size?");
  await followerPage.getByRole("button", { name: "Send" }).click();

  // It arrives in the associate's inbox without a reload, new and unclaimed.
  const row = inbox.getByRole("listitem").filter({ hasText: follower.displayName });
  await expect(row).toContainText("Is the cashmere jumper true to size?");
  await expect(row).toContainText("New");
  await expect(row).toContainText("Nobody holds it");
  await row.getByRole("button").click();

  // They claim it and answer with the canned reply, the window shown above the box.
  const conversation = associatePage.getByRole("region", {
    name: follower.displayName,
  });
  await conversation.getByRole("button", { name: "Claim" }).click();
  await expect(conversation).toContainText("You hold this conversation.");
  const reply = conversation.getByRole("form", { name: "Reply" });
  await expect(reply.getByRole("status")).toContainText(
    /Reply window: 4[78] h \d+ min and 5 replies left\./,
  );
  await reply.getByRole("combobox", { name: "Canned reply" }).selectOption({ label: cannedTitle });
  await expect(reply.getByRole("textbox", { name: "Reply" })).toHaveValue(cannedText);
  await reply.getByRole("button", { name: "Send" }).click();
  await expect(conversation.getByRole("list", { name: "Messages" })).toContainText(cannedText);
  await expect(reply.getByRole("status")).toContainText("4 replies left");
  await expectAccessible(associatePage);
  await associatePage.screenshot({
    path: "test-results/workspace-service-phone.png",
    fullPage: true,
  });

  // The follower sees the answer arrive live.
  await expect(followerPage.getByRole("region", { name: "Customer service" })).toContainText(
    cannedText,
  );

  // The associate opens the client, adds a note and a tag, and sees them on the client's page.
  await nav.getByRole("link", { name: "Clients" }).click();
  await associatePage.getByRole("button", { name: "All clients" }).click();
  await associatePage.getByRole("searchbox", { name: "Search clients" }).fill(follower.username);
  await associatePage
    .getByRole("list", { name: "Clients" })
    .getByRole("button", { name: new RegExp(follower.displayName) })
    .click();
  const client = associatePage.getByRole("region", {
    name: follower.displayName,
  });
  await client
    .getByRole("textbox", { name: "Write a note…" })
    .fill("Asked about jumper sizes; prefers M.");
  await client.getByRole("button", { name: "Add note" }).click();
  await expect(client.getByRole("list", { name: "Notes" })).toContainText(
    "Asked about jumper sizes; prefers M.",
  );
  await client.getByRole("textbox", { name: "New tag" }).fill("Cashmere");
  await client.getByRole("button", { name: "Add tag" }).click();
  await expect(client.getByRole("list", { name: "Tags" })).toContainText("Cashmere");
  await expect(client.getByRole("list", { name: "Timeline" })).toContainText(
    "Wrote to customer service",
  );
  await client.getByRole("textbox", { name: "What to do" }).fill("Send the size guide");
  await client.getByRole("button", { name: "Add follow-up" }).click();
  await expect(associatePage.getByText("Follow-up added.")).toBeVisible();
  await expectAccessible(associatePage);
  await associatePage.screenshot({
    path: "test-results/workspace-clients-phone.png",
    fullPage: true,
  });

  // "Message" opens the client's customer-service conversation.
  await client.getByRole("button", { name: "Message" }).click();
  await expect(associatePage).toHaveURL(/\/service\?c=\d+$/);
  await expect(
    associatePage
      .getByRole("region", { name: follower.displayName })
      .getByRole("list", { name: "Messages" }),
  ).toContainText(cannedText);

  // The same screens on a desktop: list and detail side by side.
  await associatePage.setViewportSize({ width: 1280, height: 800 });
  await expect(inbox).toBeVisible();
  await expect(row).toContainText(`Yours`);
  await associatePage.screenshot({
    path: "test-results/workspace-service-desktop.png",
    fullPage: true,
  });
  await nav.getByRole("link", { name: "Clients" }).click();
  await expect(
    associatePage.getByRole("region", { name: "My commission this month" }),
  ).toBeVisible();
  const dueToday = associatePage.getByRole("region", { name: "Due today" });
  const task = dueToday.getByRole("listitem").filter({ hasText: "Send the size guide" });
  await expect(task).toContainText(follower.displayName);
  await associatePage.screenshot({
    path: "test-results/workspace-clients-desktop.png",
    fullPage: true,
  });
  await task.getByRole("button", { name: "Mark “Send the size guide” done" }).click();
  await expect(task).toHaveCount(0);

  // Owner-only screens: not offered, not rendered when typed in, refused by the API.
  await expectSentBackToTeam(associatePage, brand.id, "orders");
  const asAssociate = { Authorization: `Bearer ${bob.token}` };
  const refusals = [
    await request.get(`/api/v1/brands/${brand.id}/audit-log`, {
      headers: asAssociate,
    }),
    await request.post(`/api/v1/brands/${brand.id}/canned-replies`, {
      headers: asAssociate,
      data: { title: "Mine", text: "Not allowed" },
    }),
    await request.get(`/api/v1/brands/${brand.id}/webhook-deliveries`, {
      headers: asAssociate,
    }),
  ];
  for (const response of refusals) {
    expect([403, 404], `${response.url()} → ${response.status()}`).toContain(response.status());
  }
});
