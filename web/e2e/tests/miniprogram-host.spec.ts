import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  Api,
  DEMO_PASSWORD,
  PIN,
  expect,
  expectAccessible,
  openChat,
  signedIn,
  test,
  type Person,
  python,
  root,
  zipped,
} from "./support";
import type { APIRequestContext, Page } from "@playwright/test";

/** The Corner Coffee bundle built by examples/coffee/build.py for a shop server at `server`. */
function coffeeBundle(server: string): Buffer {
  const target = path.join(root, "web/e2e/test-results", `coffee-${Date.now()}.zip`);
  const run = spawnSync(python, ["examples/coffee/build.py", target, "--server", server], {
    cwd: root,
  });
  expect(run.status, run.stderr.toString()).toBe(0);
  return readFileSync(target);
}

/** Uploads `bundle` as a new version, makes it the trial and lets `tester` open it. */
async function trial(
  request: APIRequestContext,
  developer: Person,
  appId: string,
  bundle: Buffer,
  tester: Person,
) {
  const headers = { Authorization: `Bearer ${developer.token}` };
  const base = `/api/v1/dev/miniprograms/${appId}`;
  const upload = await request.post(`${base}/versions`, {
    headers,
    multipart: {
      version: `9.${Date.now()}`,
      bundle: { name: "bundle.zip", mimeType: "application/zip", buffer: bundle },
    },
  });
  expect(upload.status(), await upload.text()).toBe(201);
  const version = await upload.json();
  expect(
    (await request.post(`${base}/versions/${version.id}/trial`, { headers })).ok(),
  ).toBeTruthy();
  expect(
    (
      await request.post(`${base}/testers`, { headers, data: { username: tester.username } })
    ).status(),
  ).toBe(201);
}

/** examples/coffee/server.py on a free port; stopped by the caller. */
async function startCoffee(
  appId: string,
  secret: string,
  plazaUrl: string,
): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(python, ["examples/coffee/server.py"], {
    cwd: root,
    env: {
      ...process.env,
      PLAZA_URL: plazaUrl,
      COFFEE_APP_ID: appId,
      COFFEE_APP_SECRET: secret,
      COFFEE_PORT: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /coffee server on (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`coffee server exited (${code})`)));
  });
  return { url, process: child };
}

/** The demo developer alice and the app id of her released Corner Coffee. */
async function demoDeveloper(api: Api): Promise<{ alice: Person; coffeeId: string }> {
  const alice = await api.login("alice", DEMO_PASSWORD);
  const apps = await api.get("/api/v1/dev/miniprograms", alice);
  const coffee = apps.results.find((a: { name: string }) => a.name === "Corner Coffee");
  return { alice, coffeeId: coffee.app_id };
}

function appFrame(page: Page, name: string) {
  return page.frameLocator(`iframe[title="${name}"]`);
}

test("Corner Coffee opens from a chat card, signs in on its server, and is paid with the PIN sheet", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { alice, coffeeId: appId } = await demoDeveloper(api);
  const { app_secret: secret } = await api.post(
    `/api/v1/dev/miniprograms/${appId}/secret`,
    alice,
    {},
  );
  const coffee = await startCoffee(appId, secret, baseURL!);
  try {
    const [mei, friend] = [await api.register("Mei"), await api.register("Friend")];
    await api.fund(mei, 10_00);
    await api.befriend(friend, mei);
    await trial(request, alice, appId, coffeeBundle(coffee.url), mei);
    const chat = await api.direct(friend, mei);
    await api.post(`/api/v1/conversations/${chat}/messages`, friend, {
      type: "miniprogram",
      client_msg_id: `card-${Date.now()}`,
      payload: { app_id: appId, title: "Coffee at the corner", path: "pages/index" },
    });

    const page = await signedIn(browser, baseURL, mei);
    await openChat(page, new RegExp(friend.displayName));
    await page.getByRole("link", { name: "Open mini-program Coffee at the corner" }).click();
    await expect(page).toHaveURL(/\/apps\/.+from=chat_card/);

    const consent = page.getByRole("dialog", { name: "Sign in to Corner Coffee" });
    await expect(consent).toContainText("Your display name and avatar.");
    await consent.getByRole("button", { name: "Allow" }).click();
    const frame = appFrame(page, "Corner Coffee");
    await expect(frame.getByText(`Hello ${mei.displayName}!`)).toBeVisible();

    await frame.getByRole("button", { name: "Pre-order" }).click();
    const subscribe = page.getByRole("dialog", { name: "Messages from Corner Coffee" });
    const ready = subscribe.getByRole("group", { name: "Your coffee is ready" });
    await expect(ready.getByRole("radio", { name: "Once" })).toBeChecked();
    await ready.getByRole("radio", { name: "Always" }).check();
    await subscribe.getByRole("button", { name: "Done" }).click();
    const pay = page.getByRole("dialog", { name: "Payment PIN" });
    await expect(pay).toContainText("Pay €3.50 to Corner Coffee");
    await pay.getByLabel("6-digit PIN").fill(PIN);
    await pay.getByRole("button", { name: "Pay" }).click();
    await expect(frame.getByText("Order #1 paid: Flat white")).toBeVisible();
    expect(await api.balance(mei)).toBe(10_00 - 3_50);

    // The shop's server marks the order paid only on Plaza's signed notification.
    await expect
      .poll(async () => (await request.post(`${coffee.url}/api/orders/1/ready`)).status(), {
        timeout: 20_000,
      })
      .toBe(200);

    // The capsule shares the app back to the chat as a card.
    await page.getByRole("button", { name: "More" }).click();
    await page.getByRole("menuitem", { name: "Share" }).click();
    const share = page.getByRole("dialog", { name: "Share to a chat" });
    await expect(share.getByRole("group", { name: "Card preview" })).toContainText("Corner Coffee");
    await share.getByRole("radio", { name: friend.displayName }).check();
    await share.getByRole("button", { name: "Send" }).click();
    await expect(share).toBeHidden();
    await page.getByRole("button", { name: "Close the mini-program" }).click();
    await expect(page.getByRole("link", { name: "Open mini-program Corner Coffee" })).toBeVisible();

    // From Discover's "Recently used": "Always" was chosen, so a second pre-order goes straight
    // to the payment sheet without asking about messages again.
    await page.goto("/discover");
    await page
      .getByRole("region", { name: "Recently used mini-programs" })
      .getByRole("link", { name: "Corner Coffee" })
      .click();
    await expect(page).toHaveURL(/\/apps\/.+from=recent/);
    await expect(frame.getByText(`Hello ${mei.displayName}!`)).toBeVisible();
    await frame.getByRole("button", { name: "Pre-order" }).click();
    await expect(pay).toContainText("Pay €3.50 to Corner Coffee");
    await expect(subscribe).toHaveCount(0);
    await pay.getByRole("button", { name: "Close" }).click();
    await expect(frame.getByText(/Order failed/)).toBeVisible();

    // From search.
    await page.goto("/discover");
    await page.getByRole("searchbox", { name: "Search" }).fill("corner coffee");
    await page
      .getByRole("list", { name: "Mini-programs", exact: true })
      .getByRole("link", { name: /Corner Coffee/ })
      .click();
    await expect(page).toHaveURL(/\/apps\/.+from=search/);
    await expect(frame.getByText(`Hello ${mei.displayName}!`)).toBeVisible();

    // Me → Mini-program permissions: the granted profile and the "always" message, each revocable.
    await page.goto("/me");
    await page.getByRole("link", { name: "Mini-program permissions" }).click();
    const permissions = page.getByRole("region", { name: "Corner Coffee" });
    await expect(
      permissions.getByRole("list", { name: "What Corner Coffee may see" }),
    ).toContainText("Your profile");
    const always = permissions.getByRole("list", {
      name: "Messages Corner Coffee may always send",
    });
    await expect(always).toContainText("Your coffee is ready");
    await expectAccessible(page);
    await always
      .getByRole("button", { name: "Turn off Your coffee is ready from Corner Coffee" })
      .click();
    await expect(always).toHaveCount(0);
    expect(await api.get("/api/v1/me/miniprogram-subscriptions", mei)).toEqual([]);
    await permissions
      .getByRole("button", { name: "Revoke Your profile from Corner Coffee" })
      .click();
    await expect(permissions.getByText("Your profile")).toHaveCount(0);
    expect((await api.get("/api/v1/me/miniprogram-grants", mei)).results).not.toContainEqual(
      expect.objectContaining({ app_id: appId, scope: "profile" }),
    );
  } finally {
    coffee.process.kill("SIGTERM");
  }
});

const PROBE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Probe</title>
<script src="../plaza-sdk.js"></script><script src="../probe.js" defer></script></head>
<body><h1>Probe</h1><button id="pay">Pay</button><button id="phone">Phone</button>
<button id="login">Sign in</button><ul id="results" aria-label="Results"></ul></body></html>`;

const PROBE_JS = `
function record(name, value) {
  var item = document.createElement("li");
  item.textContent = name + ": " + value;
  document.getElementById("results").appendChild(item);
}
function outcome(name, call) {
  call().then(function () { record(name, "answered"); }, function (e) { record(name, e.code); });
}
plaza.ready().then(function (launch) { record("launch", launch.scene + " " + launch.path); });
document.getElementById("pay").onclick = function () {
  outcome("pay", function () { return plaza.requestPayment({ prepayId: "pp_nothing" }); });
};
document.getElementById("phone").onclick = function () {
  outcome("phone", function () { return plaza.login({ scopes: ["phone"] }); });
};
document.getElementById("login").onclick = function () {
  outcome("login", function () { return plaza.login({ scopes: ["profile"] }); });
};`;

test("a mini-program is refused what it was not granted, strangers' messages are ignored, and it cannot read the app's secrets", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { alice, coffeeId } = await demoDeveloper(api);
  const probe = await api.post("/api/v1/dev/miniprograms", alice, {
    name: `Probe ${Date.now()}`,
    scopes: ["profile"],
  });
  const person = await api.register("Probed");
  const sdk = await (await request.get(`/mp/${coffeeId}/plaza-sdk.js`)).text(); // the released SDK
  const manifest = {
    name: probe.name,
    pages: ["pages/index"],
    entry_page: "pages/index",
    scopes: ["profile"],
  };
  await trial(
    request,
    alice,
    probe.app_id,
    zipped({
      "app.json": JSON.stringify(manifest),
      "pages/index.html": PROBE_HTML,
      "probe.js": PROBE_JS,
      "plaza-sdk.js": sdk,
    }),
    person,
  );

  const page = await signedIn(browser, baseURL, person);
  await page.goto(`/apps/${probe.app_id}?path=pages/index&scene=poster-7`);
  const frame = appFrame(page, probe.name);
  const results = frame.getByRole("list", { name: "Results" });
  await expect(results).toContainText("launch: poster-7 pages/index");
  await expectAccessible(page);

  await frame.getByRole("button", { name: "Pay" }).click();
  await frame.getByRole("button", { name: "Phone" }).click();
  await expect(results).toContainText("pay: scope_not_granted");
  await expect(results).toContainText("phone: scope_not_granted");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // Messages from the app's own page and from a frame that is not the mini-program's.
  const rogue = { plaza: 1, id: "rogue", method: "login", params: { scopes: ["profile"] } };
  await page.evaluate((message) => {
    window.postMessage(message, "*");
    const other = document.createElement("iframe");
    other.title = "rogue";
    document.body.appendChild(other);
  }, rogue);
  const other = page.frames().find((f) => f !== page.mainFrame() && f.url() === "about:blank");
  await other!.evaluate((message) => window.parent.postMessage(message, "*"), rogue);
  // The mini-program's own call after them is the one answered: one sheet, closed → cancelled.
  await frame.getByRole("button", { name: "Sign in" }).click();
  const consent = page.getByRole("dialog", { name: `Sign in to ${probe.name}` });
  await expect(consent).toBeVisible();
  await expectAccessible(page);
  await consent.getByRole("button", { name: "Close" }).click();
  await expect(results).toContainText("login: user_cancelled");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  const grants = await api.get("/api/v1/me/miniprogram-grants", person);
  expect(grants.results).toEqual([]);

  // From inside the frame: no cookies, no storage, no parent document, no session at the API.
  const inside = page.frames().find((f) => f.url().includes(`/mp/${probe.app_id}/`));
  const seen = await inside!.evaluate(async () => {
    const attempt = (read: () => unknown) => {
      try {
        return `read ${String(read())}`;
      } catch (error) {
        return `blocked ${(error as Error).name}`;
      }
    };
    const me = await fetch("/api/v1/me", { credentials: "include" }).then(
      (r) => r.status,
      () => "failed",
    );
    const refresh = await fetch("/api/v1/auth/refresh", {
      method: "POST",
      credentials: "include",
    }).then(
      (r) => r.status,
      () => "failed",
    );
    return {
      origin: window.origin,
      cookie: attempt(() => document.cookie),
      localStorage: attempt(() => window.localStorage.length),
      sessionStorage: attempt(() => window.sessionStorage.length),
      parent: attempt(() => window.parent.document.cookie),
      me,
      refresh,
    };
  });
  expect(seen.origin).toBe("null");
  expect(seen.cookie).toMatch(/^blocked SecurityError|^read $/);
  expect(seen.localStorage).toBe("blocked SecurityError");
  expect(seen.sessionStorage).toBe("blocked SecurityError");
  expect(seen.parent).toBe("blocked SecurityError");
  expect([401, 403, "failed"]).toContain(seen.me);
  expect([400, 401, 403, "failed"]).toContain(seen.refresh);
});

const TILL_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Till</title>
<script src="../plaza-sdk.js"></script><script src="../till.js" defer></script></head>
<body><h1>Till</h1><button id="pay">Pay</button><p id="result" role="status"></p></body></html>`;

const TILL_JS = `
document.getElementById("pay").onclick = function () {
  var prepayId = new URLSearchParams(location.search).get("prepay");
  plaza.requestPayment({ prepayId: prepayId }).then(
    function () { document.getElementById("result").textContent = "paid"; },
    function (e) { document.getElementById("result").textContent = e.code; });
};`;

test("the payment sheet shows a sandbox app's test money and the PIN lockout", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const { alice } = await demoDeveloper(api);
  const till = await api.post("/api/v1/dev/miniprograms", alice, {
    name: `Till ${Date.now()}`,
    scopes: ["profile", "pay"],
  });
  const patched = await request.patch(`/api/v1/dev/miniprograms/${till.app_id}`, {
    headers: { Authorization: `Bearer ${alice.token}` },
    data: { sandbox: true },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  const buyer = await api.register("Tester");
  await api.post("/api/v1/wallet/pin", buyer, { pin: PIN });
  const sdk = await (
    await request.get(`/mp/${(await demoDeveloper(api)).coffeeId}/plaza-sdk.js`)
  ).text();
  const manifest = {
    name: till.name,
    pages: ["pages/index"],
    entry_page: "pages/index",
    scopes: ["profile", "pay"],
  };
  await trial(
    request,
    alice,
    till.app_id,
    zipped({
      "app.json": JSON.stringify(manifest),
      "pages/index.html": TILL_HTML,
      "till.js": TILL_JS,
      "plaza-sdk.js": sdk,
    }),
    buyer,
  );

  // The app's server side: the buyer's openid (code2session) and a pay order for it.
  const basic = {
    Authorization: `Basic ${Buffer.from(`${till.app_id}:${till.app_secret}`).toString("base64")}`,
  };
  const { code } = await api.post(`/api/v1/miniprograms/${till.app_id}/login`, buyer, {
    scopes: [],
  });
  const session = await request.post("/api/v1/mp/code2session", { headers: basic, data: { code } });
  expect(session.status(), await session.text()).toBe(200);
  const token = await request.post("/o/token/", {
    headers: basic,
    form: { grant_type: "client_credentials" },
  });
  expect(token.status(), await token.text()).toBe(200);
  const order = await request.post("/api/v1/pay/orders", {
    headers: { Authorization: `Bearer ${(await token.json()).access_token}` },
    data: {
      out_trade_no: `till-${Date.now()}`,
      payer_openid: (await session.json()).openid,
      amount: 250,
      currency: "EUR",
      description: "Till: a test coffee",
      notify_url: "https://till.example/notify",
    },
  });
  expect(order.status(), await order.text()).toBe(201);
  const { prepay_id: prepayId } = await order.json();

  const page = await signedIn(browser, baseURL, buyer);
  await page.goto(
    `/apps/${till.app_id}?path=${encodeURIComponent(`pages/index?prepay=${prepayId}`)}`,
  );
  const frame = appFrame(page, till.name);
  await frame.getByRole("button", { name: "Pay" }).click();
  const sheet = page.getByRole("dialog", { name: "Payment PIN" });
  await expect(sheet).toContainText(`Pay €2.50 to ${till.name}`);
  await expect(sheet.getByRole("note")).toHaveText(
    "Test money: this payment is in the sandbox and no real money moves.",
  );
  await expect(sheet).toContainText("Till: a test coffee");
  await expectAccessible(page);

  const alert = sheet.getByRole("alert");
  const wrong = "000000"; // not PIN
  for (let attempt = 1; attempt <= 4; attempt++) {
    await sheet.getByLabel("6-digit PIN").fill(wrong);
    await sheet.getByRole("button", { name: "Pay" }).click();
    await expect(alert).toBeVisible();
    await expect(alert).not.toContainText("Too many wrong PINs");
    await expect(sheet.getByRole("button", { name: "Pay" })).toBeEnabled();
  }
  await sheet.getByLabel("6-digit PIN").fill(wrong);
  await sheet.getByRole("button", { name: "Pay" }).click();
  await expect(alert).toContainText(
    /Too many wrong PINs\. Payments unlock in \d+ (minutes?|hours?)\./,
  );
  // Even the right PIN is refused while locked.
  await sheet.getByLabel("6-digit PIN").fill(PIN);
  await sheet.getByRole("button", { name: "Pay" }).click();
  await expect(alert).toContainText("Too many wrong PINs");
  await sheet.getByRole("button", { name: "Close" }).click();
  await expect(frame.getByRole("status")).toHaveText("user_cancelled");
  expect((await api.get(`/api/v1/pay/orders/${prepayId}`, buyer)).status).toBe("pending");
});
