import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Api, expect, expectAccessible, openChat, signedIn, test } from "./support";
import type { Locator } from "@playwright/test";

// The microphone is Chromium's fake device (a beep); voice notes and videos play without a
// click on their native controls.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      "--autoplay-policy=no-user-gesture-required",
    ],
  },
});

// A 24×16 red PNG, made here so that no binary is committed.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAGklEQVR42mO4Y6NBFcQwatCoQaMGjRpEGQIAUsjgEI6JxbcAAAAASUVORK5CYII=",
  "base64",
);
const photo = (name: string) => ({ name, mimeType: "image/png", buffer: PNG });

// A one-second H.264 MP4 (ffmpeg is a Plaza requirement) and a tiny PDF, made here.
function makeVideo(): Buffer {
  const folder = mkdtempSync(join(tmpdir(), "plaza-e2e-"));
  const target = join(folder, "clip.mp4");
  execFileSync("ffmpeg", [
    ...["-v", "error", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10"],
    ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", target],
  ]);
  const video = readFileSync(target);
  rmSync(folder, { recursive: true });
  return video;
}
const VIDEO = makeVideo();
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

/** The element played: it loaded, has a length, and its clock moved. */
async function expectPlays(player: Locator): Promise<void> {
  await expect(player).toBeVisible();
  await player.evaluate((element: HTMLMediaElement) => element.play());
  await expect
    .poll(() => player.evaluate((element: HTMLMediaElement) => element.currentTime))
    .toBeGreaterThan(0);
  expect(await player.evaluate((element: HTMLMediaElement) => element.duration)).toBeGreaterThan(0);
}

/** The image was fetched and decoded (a broken or refused address has naturalWidth 0). */
async function expectDecoded(image: Locator): Promise<void> {
  await expect(image).toBeVisible();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
}

test("a photo sent in a chat shows to the other person and opens in the viewer", async ({
  browser,
  baseURL,
  request,
}) => {
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

test("a voice note, a video and a PDF sent in a chat play and download for the other person", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [alice, bob] = [await api.register("Alice"), await api.register("Bob")];
  await api.befriend(alice, bob);
  await api.direct(alice, bob);
  const bobPage = await signedIn(browser, baseURL, bob);
  await openChat(bobPage, new RegExp(alice.displayName));
  const alicePage = await signedIn(browser, baseURL, alice);
  await alicePage.context().grantPermissions(["microphone"]);
  await openChat(alicePage, new RegExp(bob.displayName));

  // Hold to record: the button is held until the recording has lasted two seconds.
  await alicePage.getByRole("button", { name: "Hold to record a voice note" }).hover();
  await alicePage.mouse.down();
  await expect(
    alicePage.getByRole("status").filter({ hasText: /Recording… \d:(0[2-9]|[1-5]\d)/ }),
  ).toBeVisible();
  await alicePage.mouse.up();
  await expect(alicePage.getByRole("status").filter({ hasText: "Recording" })).toHaveCount(0);

  await alicePage.getByLabel("Attach a file or video").setInputFiles([
    { name: "clip.mp4", mimeType: "video/mp4", buffer: VIDEO },
    { name: "../report.pdf", mimeType: "application/pdf", buffer: PDF },
  ]);
  const aliceMessages = alicePage.getByRole("list", { name: "Messages" });
  await expect(aliceMessages.getByRole("link", { name: "Download report.pdf" })).toBeVisible();
  await expect(aliceMessages.getByRole("progressbar")).toHaveCount(0);

  const bobMessages = bobPage.getByRole("list", { name: "Messages" });
  const voice = bobMessages.getByRole("group", {
    name: new RegExp(`Voice note from ${alice.displayName}, \\d:\\d\\d`),
  });
  await expectPlays(voice.locator("audio"));
  const video = bobMessages.getByLabel(new RegExp(`Video from ${alice.displayName}, 0:0[12]`));
  await expect(video).toHaveAttribute("poster", /.+/);
  await expectPlays(video);

  const [download] = await Promise.all([
    bobPage.waitForEvent("download"),
    bobMessages.getByRole("link", { name: "Download report.pdf" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("report.pdf");
  const saved = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of saved) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(PDF)).toBe(true);
  await expectAccessible(bobPage);
});

test("a Moment with two photos shows both to a contact", async ({ browser, baseURL, request }) => {
  const api = new Api(request);
  const [author, friend] = [await api.register("Author"), await api.register("Friend")];
  await api.befriend(author, friend);
  const text = `Two views ${Date.now()}`;

  const authorPage = await signedIn(browser, baseURL, author);
  await authorPage.goto("/moments");
  await authorPage.getByLabel("Share a moment").fill(text);
  await authorPage
    .getByLabel("Add photos")
    .setInputFiles([photo("a.png"), photo("b.png"), photo("c.png")]);
  const chosen = authorPage.getByRole("list", { name: "3 of 9 photos" });
  await expect(chosen.getByRole("img")).toHaveCount(3);
  await chosen.getByRole("button", { name: "Remove photo 3" }).click();
  await expect(
    authorPage.getByRole("list", { name: "2 of 9 photos" }).getByRole("img"),
  ).toHaveCount(2);
  await authorPage.getByRole("button", { name: "Post" }).click();
  await expect(
    authorPage.getByRole("article", { name: `Moment by ${author.displayName}` }),
  ).toContainText(text);

  const friendPage = await signedIn(browser, baseURL, friend);
  await friendPage.goto("/moments");
  const moment = friendPage.getByRole("article", { name: `Moment by ${author.displayName}` });
  await expect(moment).toContainText(text);
  await expect(moment.getByRole("img")).toHaveCount(2);
  await expectDecoded(moment.getByRole("img", { name: `Photo 1 by ${author.displayName}` }));
  await expectDecoded(moment.getByRole("img", { name: `Photo 2 by ${author.displayName}` }));

  // The viewer opens on the photo tapped, the arrow keys move between them, Escape closes.
  await moment.getByRole("button", { name: `Open Photo 1 by ${author.displayName}` }).click();
  const viewer = friendPage.getByRole("dialog", { name: "Photo" });
  await expectDecoded(viewer.getByRole("img", { name: `Photo 1 by ${author.displayName}` }));
  await expect(viewer).toContainText("1 of 2");
  await friendPage.keyboard.press("ArrowRight");
  await expectDecoded(viewer.getByRole("img", { name: `Photo 2 by ${author.displayName}` }));
  await expect(viewer).toContainText("2 of 2");
  await viewer.getByRole("button", { name: "Previous photo" }).click();
  await expect(viewer.getByRole("img", { name: `Photo 1 by ${author.displayName}` })).toBeVisible();
  await friendPage.keyboard.press("Escape");
  await expect(viewer).toBeHidden();
});

test("a person changes their profile photo", async ({ browser, baseURL, request }) => {
  const person = await new Api(request).register("Avatar");
  const page = await signedIn(browser, baseURL, person);
  await page.getByRole("link", { name: "Me" }).click();
  await page.getByLabel("Change profile photo").setInputFiles(photo("me.png"));
  await expect(
    page.getByRole("status").filter({ hasText: "Profile photo changed." }),
  ).toBeVisible();
  await expectDecoded(page.getByRole("img", { name: "Profile photo" }));
});
