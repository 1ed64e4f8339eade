import { Api, expect, openChat, signedIn, test } from "./support";
import type { Locator } from "@playwright/test";

// A 24×16 red PNG, made here so that no binary is committed.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAGklEQVR42mO4Y6NBFcQwatCoQaMGjRpEGQIAUsjgEI6JxbcAAAAASUVORK5CYII=",
  "base64",
);
const photo = (name: string) => ({ name, mimeType: "image/png", buffer: PNG });

/** The image was fetched and decoded (a broken or refused address has naturalWidth 0). */
async function expectDecoded(image: Locator): Promise<void> {
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
}

test("a photo sent in a chat shows to the other person and opens in the viewer", async ({ browser, baseURL, request }) => {
  const api = new Api(request);
  const [alice, bob] = [await api.register("Alice"), await api.register("Bob")];
  await api.befriend(alice, bob);
  await api.direct(alice, bob);
  const bobPage = await signedIn(browser, baseURL, bob);
  await openChat(bobPage, new RegExp(alice.displayName));
  const alicePage = await signedIn(browser, baseURL, alice);
  await openChat(alicePage, new RegExp(bob.displayName));

  await alicePage.getByLabel("Attach photo").setInputFiles(photo("sunset.png"));
  const preview = alicePage.getByRole("dialog", { name: "Send photo" });
  await expectDecoded(preview.getByRole("img", { name: "Photo to send" }));
  await preview.getByRole("button", { name: "Send photo" }).click();

  // The echo replaces the optimistic bubble: one image, no preview or progress left behind.
  const aliceMessages = alicePage.getByRole("list", { name: "Messages" });
  await expectDecoded(aliceMessages.getByRole("img", { name: `Photo from ${alice.displayName}` }));
  await expect(aliceMessages.getByRole("img")).toHaveCount(1);
  await expect(aliceMessages.getByRole("progressbar")).toHaveCount(0);

  // Bob gets it live and opens it; Escape closes the viewer.
  const bobMessages = bobPage.getByRole("list", { name: "Messages" });
  await expectDecoded(bobMessages.getByRole("img", { name: `Photo from ${alice.displayName}` }));
  await bobMessages.getByRole("button", { name: `Open Photo from ${alice.displayName}` }).click();
  const viewer = bobPage.getByRole("dialog", { name: "Photo" });
  await expectDecoded(viewer.getByRole("img", { name: `Photo from ${alice.displayName}` }));
  await bobPage.keyboard.press("Escape");
  await expect(viewer).toBeHidden();
});

test("a Moment with two photos shows both to a contact", async ({ browser, baseURL, request }) => {
  const api = new Api(request);
  const [author, friend] = [await api.register("Author"), await api.register("Friend")];
  await api.befriend(author, friend);
  const text = `Two views ${Date.now()}`;

  const authorPage = await signedIn(browser, baseURL, author);
  await authorPage.goto("/moments");
  await authorPage.getByLabel("Share a moment").fill(text);
  await authorPage.getByLabel("Add photos").setInputFiles([photo("a.png"), photo("b.png"), photo("c.png")]);
  const chosen = authorPage.getByRole("list", { name: "3 of 9 photos" });
  await expect(chosen.getByRole("img")).toHaveCount(3);
  await chosen.getByRole("button", { name: "Remove photo 3" }).click();
  await expect(authorPage.getByRole("list", { name: "2 of 9 photos" }).getByRole("img")).toHaveCount(2);
  await authorPage.getByRole("button", { name: "Post" }).click();
  await expect(authorPage.getByRole("article", { name: `Moment by ${author.displayName}` })).toContainText(text);

  const friendPage = await signedIn(browser, baseURL, friend);
  await friendPage.goto("/moments");
  const moment = friendPage.getByRole("article", { name: `Moment by ${author.displayName}` });
  await expect(moment).toContainText(text);
  await expect(moment.getByRole("img")).toHaveCount(2);
  await expectDecoded(moment.getByRole("img", { name: `Photo 1 by ${author.displayName}` }));
  await expectDecoded(moment.getByRole("img", { name: `Photo 2 by ${author.displayName}` }));
});

test("a person changes their profile photo", async ({ browser, baseURL, request }) => {
  const person = await new Api(request).register("Avatar");
  const page = await signedIn(browser, baseURL, person);
  await page.getByRole("link", { name: "Me" }).click();
  await page.getByLabel("Change profile photo").setInputFiles(photo("me.png"));
  await expect(page.getByRole("status").filter({ hasText: "Profile photo changed." })).toBeVisible();
  await expectDecoded(page.getByRole("img", { name: "Profile photo" }));
});
