import { Api, PIN, expect, openChat, signedIn, test } from "./support";

test("a transfer with the PIN sheet updates both balances", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [payer, payee] = [await api.register("Payer"), await api.register("Payee")];
  await api.befriend(payer, payee);
  await api.fund(payer, 100_00);
  await api.fund(payee, 10_00);
  const payerPage = await signedIn(browser, baseURL, payer);
  const payeePage = await signedIn(browser, baseURL, payee);
  await payeePage.goto("/wallet");
  const payeeBalances = payeePage.getByRole("list", { name: "Balances" });
  await expect(payeeBalances).toHaveText("€10.00");

  const refusedByCsp: string[] = [];
  payerPage.on(
    "console",
    (m) => m.text().includes("Content Security Policy") && refusedByCsp.push(m.text()),
  );
  await payerPage.getByRole("link", { name: "Me" }).click();
  await payerPage.getByRole("link", { name: "Wallet" }).click();
  await payerPage.getByLabel("To", { exact: true }).selectOption({ label: payee.displayName });
  await payerPage.getByLabel("Amount").first().fill("12.50");
  await payerPage.getByRole("button", { name: "Transfer" }).click();
  const sheet = payerPage.getByRole("dialog", { name: "Payment PIN" });
  await expect(sheet).toContainText(`€12.50 to ${payee.displayName}`);
  // The wallet behind the sheet stays put: the scroll lock's <style> carries the page's nonce.
  await expect
    .poll(() => payerPage.evaluate(() => getComputedStyle(document.body).overflow))
    .toBe("hidden");
  await sheet.getByLabel("6-digit PIN").fill("000000");
  await sheet.getByRole("button", { name: "Pay" }).click();
  await expect(sheet.getByRole("alert")).toHaveText(
    "Wrong PIN. 4 tries left before payments are locked.",
  );
  await sheet.getByLabel("6-digit PIN").fill(PIN);
  await sheet.getByRole("button", { name: "Pay" }).click();
  await expect(sheet).toBeHidden();
  await expect(payerPage.getByRole("list", { name: "Balances" })).toHaveText("€87.50");
  // The payee's open wallet follows through the socket's wallet event or a reload.
  await payeePage.reload();
  await expect(payeeBalances).toHaveText("€22.50");
  await expect(payerPage.getByRole("list", { name: "Statement" })).toContainText("€12.50");
  expect(refusedByCsp).toEqual([]);
});

test("a lucky red packet in a group is opened by two members and the amounts add up", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const [host, guestA, guestB] = [
    await api.register("Host"),
    await api.register("GuestA"),
    await api.register("GuestB"),
  ];
  await api.befriend(host, guestA);
  await api.befriend(host, guestB);
  await api.fund(host, 50_00);
  const title = `Packet party ${Date.now()}`;
  await api.group(host, [guestA, guestB], title);

  const hostPage = await signedIn(browser, baseURL, host);
  await openChat(hostPage, new RegExp(title));
  await hostPage.getByRole("button", { name: "Red packet" }).click();
  const form = hostPage.getByRole("dialog", { name: "Red packet" });
  await form.getByLabel("Total amount").fill("10");
  await form.getByLabel("Number of packets").fill("2");
  await form.getByLabel("Greeting").fill("Happy new year");
  await form.getByRole("button", { name: "Prepare red packet" }).click();
  const pin = hostPage.getByRole("dialog", { name: "Payment PIN" });
  await pin.getByLabel("6-digit PIN").fill(PIN);
  await pin.getByRole("button", { name: "Pay" }).click();
  await expect(pin).toBeHidden();

  const amounts: number[] = [];
  for (const guest of [guestA, guestB]) {
    const page = await signedIn(browser, baseURL, guest);
    await openChat(page, new RegExp(title));
    await page.getByRole("button", { name: /Happy new year/ }).click();
    const sheet = page.getByRole("dialog", { name: "Red packet" });
    const got = await sheet.getByText(/^You got/).textContent();
    amounts.push(Number(got!.replace(/[^0-9.]/g, "")));
    // Who got what: each opener sees every claim so far.
    await expect(
      sheet.getByRole("list", { name: "Who got what" }).getByRole("listitem"),
    ).toHaveCount(amounts.length);
    await page.keyboard.press("Escape");
    await expect(sheet).toBeHidden();
  }
  expect(amounts.every((amount) => amount > 0)).toBe(true);
  expect(Math.round(amounts.reduce((a, b) => a + b, 0) * 100)).toBe(10_00);
});
