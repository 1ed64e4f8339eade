/**
 * plaza-sdk wire format v1, shared by the mini-program side (this package, built into
 * miniprograms/static/plaza-sdk.js) and the host side (web/app/src/miniprogram/bridge.ts).
 *
 * Both directions: `{plaza: 1, id, method, params}` / `{plaza: 1, id, result | error}`.
 * Handshake: the SDK first sends method "ready"; the host answers with the launch options, and
 * only then are other calls sent.
 */

export const PROTOCOL = 1;

/** The version the SDK reports in its "ready" handshake and as `plaza.version`. */
export const SDK_VERSION = "1.1.0";

/**
 * The stable refusal codes of the bridge. A call that reached Plaza's API and failed keeps the
 * API's own `code`, so an error's code is one of these or another string.
 */
export type ErrorCode =
  | "unknown_method"
  | "scope_not_granted"
  | "invalid_params"
  | "user_cancelled"
  | "timeout"
  | "host_error";

/** How the mini-program was opened (the answer to "ready" and to getLaunchOptions). */
export interface LaunchOptions {
  path: string;
  query: Record<string, string>;
  scene: string;
  source: string;
}

/** Each method's params on the wire (snake_case, as the host reads them). */
export interface MethodParams {
  ready: { sdk: string };
  login: {
    scopes: string[];
    code_challenge?: string;
    code_challenge_method?: "S256";
    nonce?: string;
  };
  requestPayment: { prepay_id: string };
  requestSubscribeMessage: { templates: string[] };
  share: { title: string; page_path: string; image_url: string };
  getLaunchOptions: Record<string, never>;
}

/** Each method's result on the wire. */
export interface MethodResults {
  ready: LaunchOptions;
  login: { code: string };
  requestPayment: { status: "paid" };
  requestSubscribeMessage: { accepted: string[]; always: string[] };
  share: { shared: true };
  getLaunchOptions: LaunchOptions;
}

export type Method = keyof MethodParams;

/** The methods a host answers after the handshake. */
export type HostMethod = Exclude<Method, "ready">;

/** A call, bundle to host. */
export interface WireRequest<M extends Method = Method> {
  plaza: typeof PROTOCOL;
  id: string;
  method: M;
  params: MethodParams[M];
}

/** A refusal: a stable code and a sentence for people. */
export interface WireError {
  code: ErrorCode | (string & {});
  detail?: string;
}

/** An answer, host to bundle. */
export type WireResponse<M extends Method = Method> =
  | { plaza: typeof PROTOCOL; id: string; result: MethodResults[M] }
  | { plaza: typeof PROTOCOL; id: string; error: WireError };

/** What a rejected SDK call rejects with. */
export interface PlazaError extends Error {
  code: ErrorCode | (string & {});
}

export interface LoginOptions {
  scopes?: string[];
  /** OAuth2 + PKCE: the S256 challenge of your code_verifier (redeem the code at /o/token/). */
  codeChallenge?: string;
  nonce?: string;
}

/** `window.plaza`, the public API of plaza-sdk.js. */
export interface Plaza {
  readonly version: string;
  /** Resolves with the launch options once the host has answered the handshake. */
  ready(): Promise<LaunchOptions>;
  /** A login code: send it to YOUR server, which calls /api/v1/mp/code2session. */
  login(options?: LoginOptions): Promise<MethodResults["login"]>;
  /** The host asks for the payment PIN. */
  requestPayment(options: { prepayId: string }): Promise<MethodResults["requestPayment"]>;
  /** 1 to 3 template ids. */
  requestSubscribeMessage(options: {
    templates: string[];
  }): Promise<MethodResults["requestSubscribeMessage"]>;
  /** A chat card. */
  share(options: {
    title: string;
    pagePath: string;
    imageUrl: string;
  }): Promise<MethodResults["share"]>;
  getLaunchOptions(): Promise<LaunchOptions>;
}

declare global {
  interface Window {
    /** plaza-sdk.js, inside a mini-program frame only. */
    plaza?: Plaza;
  }
}
