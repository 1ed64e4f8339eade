import { createHash, randomBytes } from "node:crypto";
import { Api, expect, expectAccessible, signedIn, test } from "./support";

// Issue 17: the authorization endpoint the OIDC discovery document advertises works for a
// signed-in person: /o/authorize/ lands on the app's consent page, "Allow" sends the browser to
// the client's redirect_uri with a code, and the client redeems it with its PKCE verifier.

test("a signed-in person authorizes Maison Lune's store at /o/authorize/ and its client gets a code", async ({
  browser,
  baseURL,
  request,
}) => {
  const api = new Api(request);
  const ana = await api.register("Ana");
  const accounts = await api.get("/api/v1/official-accounts?discover=true", ana);
  const lune = accounts.results.find((a: { name: string }) => a.name.startsWith("Maison Lune"));
  const account = await api.get(`/api/v1/official-accounts/${lune.id}`, ana);
  const shop = await api.get(`/api/v1/brands/${account.brand.id}/shop`, ana);

  const discovery = await (await request.get("/o/.well-known/openid-configuration")).json();
  const verifier = randomBytes(48).toString("base64url");
  const redirectUri = `${baseURL}/mp/${shop.app_id}/`;
  const query = new URLSearchParams({
    response_type: "code",
    client_id: shop.app_id,
    redirect_uri: redirectUri,
    scope: "openid shop",
    state: "state-e2e",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });

  const page = await signedIn(browser, baseURL, ana);
  await page.goto(`${new URL(discovery.authorization_endpoint).pathname}?${query}`);
  const consent = page.getByRole("dialog", { name: /Sign in to Maison Lune/ });
  await expect(consent.getByText("Shopping as you")).toBeVisible();
  await expect(consent.getByText("An id for you")).toBeVisible();
  await expectAccessible(page);
  // The client's side of its redirect_uri: a page of its own (the browser is sent there).
  await page.route(
    (url) => url.href.startsWith(redirectUri),
    (route) => route.fulfill({ contentType: "text/html", body: "<title>Client callback</title>" }),
  );
  await consent.getByRole("button", { name: "Allow" }).click();

  await page.waitForURL((url) => url.href.startsWith(redirectUri));
  await expect(page).toHaveTitle("Client callback");
  const landed = new URL(page.url());
  expect(landed.searchParams.get("state")).toBe("state-e2e");

  // The client (a public one: PKCE alone) redeems the code for Ana's token.
  const token = await request.post("/o/token/", {
    form: {
      grant_type: "authorization_code",
      code: landed.searchParams.get("code")!,
      redirect_uri: redirectUri,
      client_id: shop.app_id,
      code_verifier: verifier,
    },
  });
  expect(token.status(), await token.text()).toBe(200);
  expect((await token.json()).scope).toBe("openid shop");
  await page.context().close();
});
