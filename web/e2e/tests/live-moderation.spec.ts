import { Api, DEMO_PASSWORD, expect, signedIn, test } from "./support";

// A mute as the two people see it (docs/live.md, "The app: the live tab and the room"): the host
// opens the control room after a viewer's comment and sees it, mutes the viewer, the viewer is
// told why the next comment was refused, and once the host lifts the mute the viewer's comment is
// shown and the refusal is gone. No video: a scheduled show's room is open before it goes live.

test("a host who opens the control room late sees a viewer's comment and mutes them; the viewer is told why and comments again once unmuted", async ({
  browser,
  baseURL,
  request,
}) => {
  test.setTimeout(90_000);
  const api = new Api(request);
  const alice = await api.login("alice", DEMO_PASSWORD);
  const { demo, show } = await api.scheduledShow(alice, "Questions welcome");
  const fan = await api.register("Fan");

  const viewer = await signedIn(browser, baseURL, fan);
  await viewer.goto(`/live/${show.id}`);
  const comments = viewer.getByRole("log", { name: "Comments" });
  const say = async (text: string) => {
    await viewer.getByRole("textbox", { name: "Comment" }).fill(text);
    await viewer.getByRole("button", { name: "Send" }).click();
  };
  await say("Hello from the front row");
  await expect(comments).toContainText("Hello from the front row");

  // The host opens the control room after the comment: its welcome carries the latest ones.
  const host = await signedIn(browser, baseURL, { username: "alice" }, DEMO_PASSWORD);
  await host.setViewportSize({ width: 1280, height: 900 });
  await host.goto(`/workspace/brand/${demo.brand.id}/live?show=${show.id}`);
  const moderation = host.getByRole("region", { name: "Comments" });
  await expect(moderation).toContainText("Hello from the front row");

  await moderation
    .getByRole("button", { name: `Mute ${fan.displayName}` })
    .first()
    .click();
  await expect(host.getByText(`@${fan.username} is muted`)).toBeVisible();
  // The mute reaches the room over its bus: a comment sent before it arrives is still shown.
  const refusal = viewer.getByText("You have been muted in this room.");
  let attempt = 0;
  await expect(async () => {
    attempt += 1;
    await say(`Can I still talk? (${attempt})`);
    await expect(refusal).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(comments).not.toContainText(`Can I still talk? (${attempt})`);

  await host.getByRole("button", { name: `Unmute @${fan.username}` }).click();
  await expect(host.getByRole("button", { name: `Unmute @${fan.username}` })).toBeHidden();
  // The lift reaches the room the same way: a comment sent before it arrives is refused again.
  await expect(async () => {
    await say("Back in the conversation");
    await expect(comments).toContainText("Back in the conversation", {
      timeout: 2_000,
    });
  }).toPass({ timeout: 20_000 });
  await expect(refusal).toBeHidden();
  await viewer.screenshot({ path: "test-results/live-unmuted-viewer.png" });
});
