/**
 * plaza-sdk — the mini-program side of the Plaza host bridge.
 *
 * A mini-program bundle runs in a sandboxed frame (opaque origin: no Plaza cookies, no Plaza
 * storage). It never calls Plaza's consumer API itself: it asks the host page (the Plaza app)
 * over postMessage, the host shows the consent / payment / subscription UI, calls the API with
 * the user's token and answers. Every request carries an id; the host answers with the same id.
 *
 * Errors carry a stable `code` (ErrorCode: user_cancelled when the person closed the sheet,
 * scope_not_granted, unknown_method, timeout, ...) or the API's own code.
 */
import {
  PROTOCOL,
  SDK_VERSION,
  type HostMethod,
  type LaunchOptions,
  type Method,
  type MethodParams,
  type MethodResults,
  type Plaza,
  type PlazaError,
  type WireRequest,
} from "./protocol";

export * from "./protocol";

/** How long a call may wait for the host's answer. */
export const TIMEOUT_MS = 120_000;
/** How long the handshake may wait. */
export const READY_TIMEOUT_MS = 15_000;

/** The window the SDK runs in; the tests pass a fake one. */
export type SdkWindow = Pick<Window, "parent" | "location" | "addEventListener">;

interface Pending {
  resolve(result: unknown): void;
  reject(error: PlazaError): void;
  timer: ReturnType<typeof setTimeout>;
}

function plazaError(message: string, code: string): PlazaError {
  const error = new Error(message) as PlazaError;
  error.code = code;
  return error;
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== "string" || !value) {
    throw new TypeError(`plaza-sdk: ${name} must be a non-empty string`);
  }
}

/**
 * Starts the handshake with the host and returns the SDK. The first message is "ready"; the
 * host answers with the launch options and calls made before that wait for it. The origin that
 * answered is pinned: later answers from another origin are ignored.
 */
export function createPlaza(global: SdkWindow): Plaza {
  const pending = new Map<string, Pending>();
  let nextId = 1;
  let hostOrigin: string | null = null;
  let launch: LaunchOptions | null = null;

  function hostWindow(): Window {
    if (global.parent && global.parent !== global) return global.parent;
    throw new Error("plaza-sdk: not running inside the Plaza host");
  }

  /** The embedding page's origin where the browser tells it (Chromium, Safari). */
  function expectedHostOrigin(): string | null {
    const ancestors = global.location?.ancestorOrigins;
    return ancestors && ancestors.length ? (ancestors[0] ?? null) : null;
  }

  function fromHost(event: MessageEvent): boolean {
    if (event.source !== global.parent) return false;
    if (hostOrigin !== null) return event.origin === hostOrigin;
    const expected = expectedHostOrigin();
    return expected === null || event.origin === expected;
  }

  global.addEventListener("message", (event: MessageEvent) => {
    const data: unknown = event.data;
    if (typeof data !== "object" || data === null) return;
    const answer = data as { plaza?: unknown; id?: unknown; result?: unknown; error?: unknown };
    if (answer.plaza !== PROTOCOL || !fromHost(event)) return;
    const call = pending.get(String(answer.id));
    if (!call) return;
    pending.delete(String(answer.id));
    clearTimeout(call.timer);
    if (answer.error) {
      const refusal = answer.error as { code?: unknown; detail?: unknown };
      const code = String(refusal.code);
      call.reject(plazaError(refusal.detail ? String(refusal.detail) : code, code));
    } else {
      if (hostOrigin === null) hostOrigin = event.origin;
      call.resolve(answer.result);
    }
  });

  function post<M extends Method>(
    method: M,
    params: MethodParams[M],
    timeoutMs: number,
  ): Promise<MethodResults[M]> {
    return new Promise((resolve, reject) => {
      const id = String(nextId++);
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(plazaError(`plaza-sdk: ${method} timed out`, "timeout"));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer });
      const request: WireRequest<M> = { plaza: PROTOCOL, id, method, params };
      // The frame's origin is opaque ("null"), so the host is addressed with "*"; the host
      // checks event.source against its own iframe before acting, and answers only there.
      hostWindow().postMessage(request, "*");
    });
  }

  const ready = post("ready", { sdk: SDK_VERSION }, READY_TIMEOUT_MS).then((options) => {
    launch = options;
    return options;
  });

  function request<M extends HostMethod>(
    method: M,
    params: MethodParams[M],
  ): Promise<MethodResults[M]> {
    return ready.then(() => post(method, params, TIMEOUT_MS));
  }

  return {
    version: SDK_VERSION,
    ready: () => ready,
    login(options) {
      const { scopes, codeChallenge, nonce } = options ?? {};
      const params: MethodParams["login"] = { scopes: scopes ?? [] };
      if (codeChallenge) {
        params.code_challenge = codeChallenge;
        params.code_challenge_method = "S256";
      }
      if (nonce) params.nonce = nonce;
      return request("login", params);
    },
    requestPayment(options) {
      requireString(options?.prepayId, "prepayId");
      return request("requestPayment", { prepay_id: options.prepayId });
    },
    requestSubscribeMessage(options) {
      const templates = options?.templates;
      if (!Array.isArray(templates) || templates.length === 0 || templates.length > 3) {
        throw new TypeError("plaza-sdk: templates must list 1 to 3 template ids");
      }
      return request("requestSubscribeMessage", { templates });
    },
    share(options) {
      requireString(options?.title, "title");
      requireString(options.pagePath, "pagePath");
      requireString(options.imageUrl, "imageUrl");
      return request("share", {
        title: options.title,
        page_path: options.pagePath,
        image_url: options.imageUrl,
      });
    },
    getLaunchOptions: () => (launch ? Promise.resolve(launch) : ready),
  };
}
