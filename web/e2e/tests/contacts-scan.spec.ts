import { Api, expect, signedIn, test } from "./support";

// The camera is Chromium's fake device; the QR reader is the page's BarcodeDetector, which
// Linux Chromium lacks, so the test provides one that "sees" the friend's code once the camera
// plays. What is tested is Plaza's part: the button, the camera sheet, the request it sends.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
  },
});

test("scanning a friend's QR code with the camera sends them a contact request", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const ana = await api.register("Ana");
  const ben = await api.register("Ben");
  const code = (await api.get("/api/v1/me/qr", ben)).payload as string;

  const page = await signedIn(browser, baseURL, ana);
  await page.context().grantPermissions(["camera"]);
  await page.context().addInitScript((text: string) => {
    class CameraQrReader {
      async detect(video: HTMLVideoElement) {
        return video.videoWidth > 0 ? [{ rawValue: text }] : [];
      }
    }
    Object.assign(window, { BarcodeDetector: CameraQrReader });
  }, code);
  await page.reload();
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Contacts" })
    .click();
  await page.getByRole("button", { name: "Scan QR code" }).click();

  await expect(page.getByText("Request sent")).toBeVisible();
  await expect(page.getByRole("dialog", { name: "Scan QR code" })).toBeHidden();
  const pending = await api.get("/api/v1/contacts/requests", ben);
  expect(
    pending.results.map((r: { from_user: { username: string } }) => r.from_user.username),
  ).toContain(ana.username);
});
