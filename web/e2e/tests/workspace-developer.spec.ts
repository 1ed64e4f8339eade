import type { Page } from "@playwright/test";
import { Api, DEMO_PASSWORD, expect, expectAccessible, signedIn, test, zipped } from "./support";

const PAGE = "<!doctype html><html lang='en'><title>Tea</title><h1>Tea time is served</h1></html>";

async function uploadBundle(page: Page, version: string, bundle: Buffer): Promise<void> {
  const form = page.getByRole("form", { name: "Upload a version" });
  await form.getByLabel(/Drop the bundle/).setInputFiles({
    name: `tea-${version}.zip`,
    mimeType: "application/zip",
    buffer: bundle,
  });
  await form.getByLabel("Version", { exact: true }).fill(version);
  await form.getByRole("button", { name: "Upload" }).click();
}

function versionRow(page: Page, version: string) {
  return page.getByRole("row", { name: new RegExp(`^${version.replace(/\./g, "\\.")}\\b`) });
}

test("a developer with nothing registers an app in the browser, a reviewer approves it, the developer releases it and opens it; a developer member cannot do owner-only things", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const developer = await api.register("Devi");
  const tester = await api.register("Tess");
  const page = await signedIn(browser, baseURL, developer);

  // From Me into the workspace: no team yet, so start a developer organisation.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Me" }).click();
  await page.getByRole("link", { name: /Workspace/ }).click();
  await expect(
    page.getByText("You do not belong to a brand or a developer organisation yet."),
  ).toBeVisible();
  const organisationName = `Tea Works ${developer.username.slice(-5)}`;
  await page.getByLabel("Organisation name").fill(organisationName);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "Your mini-programs" })).toBeVisible();

  // Register an app: the secret is shown once, with a warning and a copy button.
  const appName = `Tea ${developer.username.slice(-5)}`;
  await page.getByLabel("App name").fill(appName);
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "shown only once" })).toBeVisible();
  await expect(page.getByLabel("App secret")).toHaveText(/\S{20,}/);
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
  await page.screenshot({ path: "test-results/workspace-developer-secret.png", fullPage: true });
  await page.getByRole("button", { name: "I stored it" }).click();
  await expect(page.getByLabel("App secret")).toBeHidden();
  await page.getByRole("link", { name: new RegExp(appName) }).click();
  await expect(page.getByRole("heading", { name: "Versions" })).toBeVisible();
  const appId = new URL(page.url()).searchParams.get("app") ?? "";
  expect(appId).toMatch(/^mp/);

  // A bad bundle first: each field's problem is listed, nothing is stored.
  const manifest = { name: appName, pages: ["pages/index"], entry_page: "pages/index", scopes: [] };
  const bad = zipped({
    "app.json": JSON.stringify({
      ...manifest,
      pages: ["pages/index", "pages/menu"],
      entry_page: "pages/home",
    }),
    "pages/index.html": PAGE,
  });
  await uploadBundle(page, "0.9.0", bad);
  const refused = page.getByRole("alert", { name: "The bundle was refused" });
  await expect(refused).toContainText("app.json does not follow the manifest schema.");
  await expect(refused).toContainText("pages: pages/menu.html is missing from the bundle.");
  await expect(refused).toContainText("entry_page: The entry page must be one of the pages.");
  await expect(page.getByText("No versions yet.")).toBeVisible();
  await page.screenshot({ path: "test-results/workspace-developer-refused.png", fullPage: true });

  // The good one, then submitted for review.
  await uploadBundle(
    page,
    "1.0.0",
    zipped({ "app.json": JSON.stringify(manifest), "pages/index.html": PAGE }),
  );
  await expect(versionRow(page, "1.0.0")).toContainText("Draft");
  await expect(refused).toBeHidden();

  // Its testers open it first: a trial, a tester, the trial's QR code.
  await page.getByRole("button", { name: "Make 1.0.0 the trial version" }).click();
  await expect(versionRow(page, "1.0.0")).toContainText("Trial");
  await page.getByLabel("Tester's username").fill(tester.username);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("list", { name: "Testers" })).toContainText(`@${tester.username}`);
  await page.getByRole("button", { name: "Show the trial QR code" }).click();
  await expect(
    page.getByRole("img", { name: "QR code that opens trial version 1.0.0" }),
  ).toBeVisible();
  await page.getByRole("button", { name: "Submit 1.0.0 for review" }).click();
  await expect(versionRow(page, "1.0.0")).toContainText("In review");
  await expectAccessible(page);

  // The platform reviewer, in another browser, opens the version's details and approves it.
  const reviewer = await signedIn(browser, baseURL, { username: "rita" }, DEMO_PASSWORD);
  await reviewer
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Me" })
    .click();
  await reviewer.getByRole("link", { name: /Platform review/ }).click();
  await expect(reviewer.getByRole("heading", { name: "Review queue" })).toBeVisible();
  await reviewer.getByText(`${appName} 1.0.0`).click();
  await expect(reviewer.getByText("pages/index", { exact: true })).toBeVisible();
  const reject = reviewer.getByRole("form", { name: `Reject ${appName} 1.0.0` });
  await expect(reject.getByRole("button", { name: "Reject" })).toBeDisabled(); // a reason is required
  await reviewer.screenshot({
    path: "test-results/workspace-developer-review.png",
    fullPage: true,
  });
  await reviewer.getByRole("button", { name: `Approve ${appName} 1.0.0` }).click();
  await expect(reviewer.getByRole("status")).toContainText(`${appName} 1.0.0 approved`);
  await expect(reviewer.getByRole("button", { name: `Approve ${appName} 1.0.0` })).toBeHidden();
  await expect(reviewer.getByRole("heading", { name: "Brand verification" })).toBeVisible();
  await expectAccessible(reviewer);

  // The developer sees the approval, releases it and opens it in Plaza.
  await page.reload();
  await expect(versionRow(page, "1.0.0")).toContainText("Approved");
  await page.getByRole("button", { name: "Release 1.0.0" }).click();
  await expect(versionRow(page, "1.0.0")).toContainText("Released");
  await page.screenshot({ path: "test-results/workspace-developer-app.png", fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({
    path: "test-results/workspace-developer-app-desktop.png",
    fullPage: true,
  });
  await page.goto(`/apps/${appId}`);
  await expect(
    page
      .frameLocator(`iframe[title="${appName}"]`)
      .getByRole("heading", { name: "Tea time is served" }),
  ).toBeVisible();

  // That opening is in the app's entries chart.
  await page.goBack();
  await expect(page.getByRole("heading", { name: "Entries" })).toBeVisible();
  await expect(
    page.getByRole("figure", { name: /Bar chart of openings per day and source: 1 in all/ }),
  ).toBeVisible();
  await page.screenshot({ path: "test-results/workspace-developer-entries.png", fullPage: true });

  // A developer of the organisation (not a manager): no owner-only controls, and the API refuses.
  const member = await api.register("Mika");
  const organisation = (await api.get("/api/v1/teams", developer)).results.find(
    (team: { name: string }) => team.name === organisationName,
  );
  const invitation = await api.post(
    `/api/v1/teams/organisation/${organisation.id}/invitations`,
    developer,
    {
      username: member.username,
      role: "developer",
    },
  );
  await api.post(`/api/v1/invitations/${invitation.id}/accept`, member, {});
  const memberPage = await signedIn(browser, baseURL, member);
  await memberPage.goto(`/workspace/organisation/${organisation.id}/apps?app=${appId}`);
  await expect(memberPage.getByRole("heading", { name: "Versions" })).toBeVisible();
  await expect(versionRow(memberPage, "1.0.0")).toContainText("Released");
  await expect(memberPage.getByRole("heading", { name: "Testers" })).toBeVisible();
  await expect(memberPage.getByRole("button", { name: "Rotate the secret" })).toHaveCount(0);
  await expect(memberPage.getByLabel("Sandbox mode (test money)")).toHaveCount(0);
  await expect(memberPage.getByRole("button", { name: /Roll back/ })).toHaveCount(0);
  await memberPage.getByRole("link", { name: "All apps" }).click();
  await expect(memberPage.getByLabel("App name")).toHaveCount(0);
  const headers = { Authorization: `Bearer ${member.token}` };
  const rotate = await request.post(`/api/v1/dev/miniprograms/${appId}/secret`, { headers });
  expect(rotate.status()).toBe(403);
  expect((await rotate.json()).code).toBe("insufficient_role");
  const rollback = await request.post(`/api/v1/dev/miniprograms/${appId}/rollback`, { headers });
  expect(rollback.status()).toBe(403);
});
