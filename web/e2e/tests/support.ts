import {
  test as base,
  expect,
  type Browser,
  type Page,
  type APIRequestContext,
} from "@playwright/test";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";

export const PASSWORD = "e2e-Secret-pass-9";
export const PIN = "246810";
export const DEMO_PASSWORD = "plaza-demo-pass";

let counter = 0;

export interface Person {
  username: string;
  displayName: string;
  token: string;
}

export { base as test, expect };

/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The Python of the Plaza under test (the e2e server's), for helpers that need one. */
export const python = process.env.PLAZA_PYTHON ?? path.join(root, ".venv/bin/python");

/** A zip of `files` (name → text), made with Python's zipfile. */
export function zipped(files: Record<string, string>): Buffer {
  const code =
    "import io,json,sys,zipfile\n" +
    "b=io.BytesIO()\n" +
    "with zipfile.ZipFile(b,'w') as z:\n" +
    "  [z.writestr(n,t) for n,t in json.load(sys.stdin).items()]\n" +
    "sys.stdout.buffer.write(b.getvalue())";
  const run = spawnSync(python, ["-c", code], { input: JSON.stringify(files) });
  expect(run.status, run.stderr.toString()).toBe(0);
  return run.stdout;
}

/** Me → Workspace, as a person goes there; with `section`, then that entry of its nav. */
export async function openWorkspace(page: Page, section?: string): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Me" }).click();
  await page.getByRole("link", { name: /Workspace/ }).click();
  if (section === undefined) return;
  await page
    .getByRole("navigation", { name: "Workspace" })
    .getByRole("link", { name: section, exact: true })
    .click();
}

function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

async function json(response: Awaited<ReturnType<APIRequestContext["post"]>>) {
  expect(
    response.ok(),
    `${response.url()} → ${response.status()} ${await response.text()}`,
  ).toBeTruthy();
  return response.status() === 204 ? {} : response.json();
}

/** Setup through the API (what the test is not about), as a native client would. */
/** A brand screen the person's role is not offered, typed into the address bar, sends them back
 * to the team page. */
export async function expectSentBackToTeam(
  page: Page,
  brandId: number,
  section: string,
): Promise<void> {
  await page.goto(`/workspace/brand/${brandId}/${section}`);
  await expect(page).toHaveURL(new RegExp(`/workspace/brand/${brandId}/team$`));
}

export class Api {
  constructor(private readonly request: APIRequestContext) {}

  private headers(person: Person) {
    return { Authorization: `Bearer ${person.token}` };
  }

  async register(name: string): Promise<Person> {
    const username = unique(name.toLowerCase());
    const displayName = `${name} ${username.slice(-4)}`;
    const body = await json(
      await this.request.post("/api/v1/auth/register", {
        data: { username, password: PASSWORD, display_name: displayName },
      }),
    );
    return { username, displayName, token: body.access_token };
  }

  async login(username: string, password: string): Promise<Person> {
    const body = await json(
      await this.request.post("/api/v1/auth/login", { data: { username, password } }),
    );
    return { username, displayName: username, token: body.access_token };
  }

  async befriend(a: Person, b: Person): Promise<void> {
    const request = await json(
      await this.request.post("/api/v1/contacts/requests", {
        headers: this.headers(a),
        data: { to: b.username, message: "" },
      }),
    );
    await json(
      await this.request.post(`/api/v1/contacts/requests/${request.id}/accept`, {
        headers: this.headers(b),
      }),
    );
  }

  async direct(a: Person, b: Person): Promise<number> {
    const body = await json(
      await this.request.post("/api/v1/conversations", {
        headers: this.headers(a),
        data: { kind: "direct", members: [b.username] },
      }),
    );
    return body.id;
  }

  async group(owner: Person, members: Person[], title: string): Promise<number> {
    const body = await json(
      await this.request.post("/api/v1/conversations", {
        headers: this.headers(owner),
        data: { kind: "group", members: members.map((m) => m.username), title },
      }),
    );
    return body.id;
  }

  async send(person: Person, conversation: number, text: string): Promise<void> {
    await json(
      await this.request.post(`/api/v1/conversations/${conversation}/messages`, {
        headers: this.headers(person),
        data: { type: "text", text, client_msg_id: unique("m") },
      }),
    );
  }

  /** A PIN and a completed sandbox top-up of `amount` EUR cents. */
  async fund(person: Person, amount: number): Promise<void> {
    await json(
      await this.request.post("/api/v1/wallet/pin", {
        headers: this.headers(person),
        data: { pin: PIN },
      }),
    );
    await json(
      await this.request.post("/api/v1/wallet/topups", {
        headers: { ...this.headers(person), "Idempotency-Key": unique("k") },
        data: { amount, currency: "EUR" },
      }),
    );
    await expect.poll(() => this.balance(person), { timeout: 20_000 }).toBe(amount);
  }

  /** A new consumer ready to buy in a live show: registered, funded and with a default address. */
  async shopper(name: string, amount: number): Promise<Person> {
    const person = await this.register(name);
    await this.fund(person, amount);
    await this.post("/api/v1/me/addresses", person, {
      recipient: person.displayName,
      phone: "+4930123456",
      line1: "Torstraße 1",
      city: "Berlin",
      postal_code: "10119",
      country: "DE",
      is_default: true,
    });
    return person;
  }

  async balance(person: Person): Promise<number> {
    const wallet = await json(
      await this.request.get("/api/v1/wallet", { headers: this.headers(person) }),
    );
    return wallet.balances.find((b: { currency: string }) => b.currency === "EUR")?.available ?? 0;
  }

  /** A new show of the demo brand, scheduled in an hour, hosted by `host` and selling the demo
   * show's first product; with the demo show it was modelled on. */
  async scheduledShow(host: Person, title: string) {
    const demo = (await this.get("/api/v1/live/shows?section=upcoming", host)).results[0];
    const show = await this.post("/api/v1/live/shows", host, {
      brand_id: demo.brand.id,
      title: `${title} ${Date.now().toString(36)}`,
      starts_at: new Date(Date.now() + 3_600_000).toISOString(),
      host: host.username,
      product_ids: [demo.products[0].id],
    });
    return { demo, show };
  }

  async post(path: string, person: Person, data: unknown) {
    return json(await this.request.post(path, { headers: this.headers(person), data }));
  }

  async get(path: string, person: Person) {
    return json(await this.request.get(path, { headers: this.headers(person) }));
  }
}

/** A person in their own browser context, logged in through the form. */
export async function signedIn(
  browser: Browser,
  baseURL: string | undefined,
  person: { username: string },
  password = PASSWORD,
): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  page.on("pageerror", (error) =>
    console.log(`[${person.username}] page error: ${error.message} ${error.stack}`),
  );
  page.on(
    "console",
    (m) => m.type() === "error" && console.log(`[${person.username}] console: ${m.text()}`),
  );
  await page.goto("/");
  await page.getByLabel("Username").fill(person.username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  return page;
}

export async function openChat(page: Page, title: string | RegExp): Promise<void> {
  await page.getByRole("link", { name: title }).first().click();
  await expect(page.getByRole("textbox", { name: "Message" })).toBeVisible();
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

export async function expectAccessible(page: Page): Promise<void> {
  // @axe-core/playwright types against its own playwright-core; the page is the same API.
  type AxePage = ConstructorParameters<typeof AxeBuilder>[0]["page"];
  const results = await new AxeBuilder({ page: page as unknown as AxePage }).analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
}

/** A 24×16 red PNG for uploads, made here so that no binary is committed. */
export const RED_PNG = {
  name: "red.png",
  mimeType: "image/png",
  buffer: Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAABgAAAAQCAIAAACDRijCAAAAGklEQVR42mO4Y6NBFcQwatCoQaMGjRpEGQIAUsjgEI6JxbcAAAAASUVORK5CYII=",
    "base64",
  ),
};
