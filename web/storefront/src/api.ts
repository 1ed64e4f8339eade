import createClient from "openapi-fetch";
import type { components, paths } from "../../app/src/api/schema";
import { challengeOf, randomVerifier } from "./pkce";
import { sdk } from "./sdk";

export type Schemas = components["schemas"];
export type Product = Schemas["ProductOutput"];
export type Sku = Schemas["SkuOutput"];
export type Order = Schemas["OrderOutput"];
export type Address = Schemas["MpAddress"];
export type AddressInput = Schemas["AddressInputRequest"];
export type Money = Schemas["MoneyOutput"];

/** What the release wrote next to this page (miniprograms/shop/storefront.py). */
export interface StorefrontConfig {
  shop_id: number;
  app_id: string;
  currency: string;
  api_base_url: string;
  /** SHOP_MAX_REVIEW_PHOTOS: how many photos a review may carry. */
  max_review_photos: number;
}

/** The scopes this storefront asks the person for (the host's consent sheet explains each). */
export const SCOPES = ["shop", "address"];

export class StoreError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

declare global {
  interface Window {
    plazaStorefront?: StorefrontConfig;
  }
}

/** storefront-config.js, a classic script (a fetch of the bundle's own file would be
 * cross-origin from the sandboxed page). */
export async function loadConfig(): Promise<StorefrontConfig> {
  const config = window.plazaStorefront;
  if (!config) throw new StoreError(0, "no_config", "storefront-config.js is missing");
  return config;
}

/** The Storefront API's origin: the configured one, else the origin that serves this page
 * (a sandboxed frame's own origin is opaque, its URL is not). */
export function apiBase(config: StorefrontConfig): string {
  return config.api_base_url || new URL(window.location.href).origin;
}

/**
 * Sign in: the host shows the consent sheet and answers a PKCE-bound login code; the code and
 * its verifier become a user token at /o/token/ (this app is a public client). The token lives
 * in this frame's memory only.
 */
export async function signIn(config: StorefrontConfig): Promise<string> {
  const verifier = randomVerifier();
  const { code } = await sdk().login({
    scopes: SCOPES,
    codeChallenge: await challengeOf(verifier),
    nonce: randomVerifier().slice(0, 16),
  });
  const response = await fetch(`${apiBase(config)}/o/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      client_id: config.app_id,
    }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token)
    throw new StoreError(response.status, body.error ?? "token_error", "token exchange failed");
  return body.access_token;
}

export function storefrontApi(config: StorefrontConfig, token: string) {
  const client = createClient<paths>({ baseUrl: apiBase(config) });
  client.use({
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

export type StorefrontApi = ReturnType<typeof storefrontApi>;

/** The answer's data, or a {@link StoreError} with the API's stable code. */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const result = await call;
  if (result.error !== undefined || !result.response.ok) {
    const body = (result.error ?? {}) as { code?: string; detail?: string };
    throw new StoreError(result.response.status, body.code ?? "error", body.detail ?? "");
  }
  return result.data as T;
}

export function priceOf(sku: Sku | undefined, currency: string): number | undefined {
  return sku?.prices.find((price) => price.currency === currency)?.amount;
}

export function formatMoney(amount: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: "currency", currency }).format(amount / 100);
}
