/**
 * The host side of plaza-sdk v1 (web/sdk, built into miniprograms/static/plaza-sdk.js; the wire
 * format and its types are web/sdk/src/protocol.ts, shared with the SDK): a bundle in a sandboxed
 * frame asks with `{plaza: 1, id, method, params}` and gets `{plaza: 1, id, result | error}`.
 *
 * - A message counts only when `event.source` is the frame's own window and its origin is the
 *   bundle origin or "null" (the opaque origin of a sandbox without allow-same-origin).
 * - `ready` is the handshake: the SDK sends it first and receives the launch options.
 * - Only methods the host knows, and only scopes the app was granted, are answered; anything
 *   else is refused with a stable code and nothing happens.
 * - A method that does not settle within `timeoutMs` answers `timeout`; after `dispose()` nothing
 *   is answered any more and pending calls are dropped.
 */

import { PROTOCOL, type ErrorCode, type HostMethod, type LaunchOptions } from "@plaza/sdk/protocol";

export { PROTOCOL };
export type { LaunchOptions };

export type BridgeErrorCode = ErrorCode;

/** A refusal sent back to the bundle (API errors keep the API's own `code`). */
export class BridgeError extends Error {
  constructor(
    readonly code: string,
    detail?: string,
  ) {
    super(detail ?? code);
  }
}

export type Params = Record<string, unknown>;
export type Handler = (params: Params) => Promise<unknown>;

/** The methods of plaza-sdk v1; `scope` is what the app must have been granted to call it. */
export const METHODS: Readonly<Record<HostMethod, { scope?: string }>> = {
  login: {},
  requestPayment: { scope: "pay" },
  requestSubscribeMessage: { scope: "subscribe_message" },
  share: {},
  getLaunchOptions: {},
};

export interface BridgeOptions {
  /** The frame's window (`iframe.contentWindow`), or null before it exists. */
  frame(): Window | null;
  /** The bundle's origin, e.g. `https://mp.plaza.example` (the frame's opaque origin is "null"). */
  bundleOrigin: string;
  /** Scopes the platform allows this app (the launch answer's `scopes`). */
  scopes: readonly string[];
  launch: LaunchOptions;
  handlers: Partial<Record<HostMethod, Handler>>;
  /** Called once, when the bundle's SDK says it is ready. */
  onReady?(): void;
  timeoutMs?: number;
}

/** What the bridge reads of a `message` event. */
export type Incoming = Pick<MessageEvent, "data" | "origin" | "source">;

function isHostMethod(method: string): method is HostMethod {
  return Object.hasOwn(METHODS, method);
}

interface Request {
  plaza: typeof PROTOCOL;
  id: string;
  method: string;
  params: Params;
}

function asRequest(data: unknown): Request | null {
  if (typeof data !== "object" || data === null) return null;
  const message = data as Record<string, unknown>;
  if (message.plaza !== PROTOCOL || typeof message.method !== "string") return null;
  if (typeof message.id !== "string" || message.id.length === 0 || message.id.length > 64)
    return null;
  const params = message.params ?? {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) return null;
  return { plaza: PROTOCOL, id: message.id, method: message.method, params: params as Params };
}

/** Which scopes a `login` call asks for that the app was not granted (none: allowed). */
function refusedScopes(params: Params, granted: readonly string[]): string[] {
  const scopes = Array.isArray(params.scopes) ? params.scopes : [];
  return scopes.filter((scope) => typeof scope !== "string" || !granted.includes(scope));
}

export function createBridge(options: BridgeOptions) {
  const timeoutMs = options.timeoutMs ?? 120_000;
  let disposed = false;
  let ready = false;

  function accepts(event: Incoming): boolean {
    const frame = options.frame();
    if (frame === null || event.source !== frame) return false;
    return event.origin === options.bundleOrigin || event.origin === "null";
  }

  function reply(id: string, answer: { result: unknown } | { error: object }) {
    const frame = options.frame();
    if (disposed || frame === null) return;
    // The frame's origin is opaque, so "*" is the only target that reaches it; the message goes
    // to that one window object only.
    frame.postMessage({ plaza: PROTOCOL, id, ...answer }, "*");
  }

  function refuse(id: string, code: BridgeErrorCode | string, detail: string) {
    reply(id, { error: { code, detail } });
  }

  async function run(request: Request) {
    const { id, method, params } = request;
    if (method === "ready") {
      reply(id, { result: options.launch });
      if (!ready) {
        ready = true;
        options.onReady?.();
      }
      return;
    }
    const spec = isHostMethod(method) ? METHODS[method] : undefined;
    const handler = isHostMethod(method) ? options.handlers[method] : undefined;
    if (!spec || !handler) return refuse(id, "unknown_method", `No method ${method}.`);
    if (spec.scope && !options.scopes.includes(spec.scope))
      return refuse(id, "scope_not_granted", `This app may not use ${method}.`);
    if (method === "login") {
      const refused = refusedScopes(params, options.scopes);
      if (refused.length)
        return refuse(id, "scope_not_granted", `This app may not ask for: ${refused.join(", ")}.`);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BridgeError("timeout", `${method} timed out.`)),
        timeoutMs,
      );
    });
    try {
      reply(id, { result: await Promise.race([handler(params), timeout]) });
    } catch (caught) {
      const code = (caught as { code?: unknown }).code;
      refuse(
        id,
        typeof code === "string" && code ? code : "host_error",
        caught instanceof Error ? caught.message : String(caught),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  function handle(event: Incoming) {
    if (disposed || !accepts(event)) return;
    const request = asRequest(event.data);
    if (request === null) return;
    void run(request);
  }

  return {
    handle,
    isReady: () => ready,
    dispose() {
      disposed = true;
    },
  };
}

export type Bridge = ReturnType<typeof createBridge>;
