import { Api, DEMO_PASSWORD, expect, expectAccessible, signedIn, test } from "./support";

interface Card {
  brand_name: string;
  points: number;
  tier: string;
  member_number: string;
}

test("the demo member sees his Maison Lune card with its points and QR code", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const cards = await api.get("/api/v1/me/member-cards", await api.login("bob", DEMO_PASSWORD));
  const lune: Card = cards.results.find((c: Card) => c.brand_name === "Maison Lune");
  const bob = await signedIn(browser, baseURL, { username: "bob" }, DEMO_PASSWORD);
  await bob.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Me" }).click();
  const section = bob.getByRole("region", { name: "Member cards" });
  const card = section.getByRole("listitem").filter({ hasText: "Maison Lune" });
  await expect(card).toContainText(`${lune.points} moons`);
  await expect(card).toContainText(`${lune.tier} · No. ${lune.member_number}`);
  await card.getByRole("button", { name: "Show the Maison Lune card" }).click();
  const sheet = bob.getByRole("dialog", { name: "Maison Lune" });
  await expect(
    sheet.getByRole("img", { name: "QR code of your Maison Lune member card" }),
  ).toBeVisible();
  await expect
    .poll(() => sheet.getByRole("img").evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  await expectAccessible(bob);
  await bob.screenshot({ path: "test-results/member-card.png" });
});
