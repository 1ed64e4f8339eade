import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createPlaza,
  PROTOCOL,
  READY_TIMEOUT_MS,
  SDK_VERSION,
  TIMEOUT_MS,
  type LaunchOptions,
  type SdkWindow,
  type WireRequest,
} from "./index";

const HOST = "https://plaza.example";
const launch: LaunchOptions = {
  path: "pages/index",
  query: { table: "7" },
  scene: "1011",
  source: "qr",
};

/** A mini-program frame: its parent records what the SDK posts; `answer` plays the host. */
function frame({ ancestorOrigins = [HOST] }: { ancestorOrigins?: string[] } = {}) {
  const sent: WireRequest[] = [];
  const parent = { postMessage: vi.fn((message: WireRequest) => sent.push(message)) };
  const listeners: ((event: MessageEvent) => void)[] = [];
  const win = {
    parent: parent as unknown as Window,
    location: { ancestorOrigins } as unknown as Location,
    addEventListener: (type: string, listener: (event: MessageEvent) => void) => {
      if (type === "message") listeners.push(listener);
    },
  } as unknown as SdkWindow;
  function deliver(data: unknown, { origin = HOST, source = parent as unknown } = {}) {
    const event = { data, origin, source } as MessageEvent;
    listeners.forEach((listener) => listener(event));
  }
  return {
    win,
    sent,
    deliver,
    answer(id: string, result: unknown, options?: { origin?: string; source?: unknown }) {
      deliver({ plaza: PROTOCOL, id, result }, options);
    },
    refuse(id: string, code: string, detail?: string) {
      deliver({ plaza: PROTOCOL, id, error: { code, detail } });
    },
  };
}

/** Lets the SDK's promise callbacks run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the ready/launch handshake", () => {
  it("says ready first and resolves with the launch options the host answers", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    expect(host.sent).toEqual([
      { plaza: 1, id: "1", method: "ready", params: { sdk: SDK_VERSION } },
    ]);
    expect(host.sent.length).toBe(1);

    host.answer("1", launch);
    await expect(plaza.ready()).resolves.toEqual(launch);
    await expect(plaza.getLaunchOptions()).resolves.toEqual(launch);
    expect(plaza.version).toBe(SDK_VERSION);
  });

  it("holds calls made before the host answered and then sends them in the wire format", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    const login = plaza.login({ scopes: ["profile"], codeChallenge: "abc", nonce: "n1" });
    await settle();
    expect(host.sent.map((message) => message.method)).toEqual(["ready"]);

    host.answer("1", launch);
    await settle();
    expect(host.sent[1]).toEqual({
      plaza: 1,
      id: "2",
      method: "login",
      params: {
        scopes: ["profile"],
        code_challenge: "abc",
        code_challenge_method: "S256",
        nonce: "n1",
      },
    });
    host.answer("2", { code: "c0de" });
    await expect(login).resolves.toEqual({ code: "c0de" });
  });

  it("sends payment, subscription and share params in snake_case", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    host.answer("1", launch);
    await settle();

    void plaza.requestPayment({ prepayId: "pp_1" });
    void plaza.requestSubscribeMessage({ templates: ["t1", "t2"] });
    void plaza.share({ title: "Latte", pagePath: "pages/order", imageUrl: "https://x/img.png" });
    await settle();
    expect(host.sent.slice(1).map(({ method, params }) => ({ method, params }))).toEqual([
      { method: "requestPayment", params: { prepay_id: "pp_1" } },
      { method: "requestSubscribeMessage", params: { templates: ["t1", "t2"] } },
      {
        method: "share",
        params: { title: "Latte", page_path: "pages/order", image_url: "https://x/img.png" },
      },
    ]);
  });

  it("fails every call when the page is not inside a host frame", async () => {
    const host = frame();
    const alone: { parent?: unknown } = { ...host.win };
    alone.parent = alone;
    const plaza = createPlaza(alone as SdkWindow);
    await expect(plaza.ready()).rejects.toThrow("not running inside the Plaza host");
  });
});

describe("origin pinning", () => {
  it("ignores a handshake answer from an origin other than the embedding page's", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    const seen = vi.fn();
    void plaza.ready().then(seen);

    host.answer("1", launch, { origin: "https://evil.example" });
    await settle();
    expect(seen).not.toHaveBeenCalled();

    host.answer("1", launch);
    await settle();
    expect(seen).toHaveBeenCalledWith(launch);
  });

  it("ignores messages from any window but the parent", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    const seen = vi.fn();
    void plaza.ready().then(seen);

    host.answer("1", launch, { source: {} });
    await settle();
    expect(seen).not.toHaveBeenCalled();
  });

  it("pins the origin that answered the handshake when the browser does not tell ancestors", async () => {
    const host = frame({ ancestorOrigins: [] });
    const plaza = createPlaza(host.win);
    host.answer("1", launch, { origin: "https://first.example" });
    await expect(plaza.ready()).resolves.toEqual(launch);

    const login = vi.fn();
    void plaza.login({ scopes: ["profile"] }).then(login);
    await settle();
    host.answer("2", { code: "forged" }, { origin: "https://other.example" });
    await settle();
    expect(login).not.toHaveBeenCalled();

    host.answer("2", { code: "real" }, { origin: "https://first.example" });
    await settle();
    expect(login).toHaveBeenCalledWith({ code: "real" });
  });

  it("ignores answers of another protocol version and answers to no pending call", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    const seen = vi.fn();
    void plaza.ready().then(seen);

    host.deliver({ plaza: 2, id: "1", result: launch });
    host.deliver({ plaza: PROTOCOL, id: "99", result: launch });
    host.deliver("ready");
    await settle();
    expect(seen).not.toHaveBeenCalled();
  });
});

describe("timeouts", () => {
  it("rejects the handshake with code timeout when the host never answers", async () => {
    const plaza = createPlaza(frame().win);
    const ready = plaza.ready();
    const outcome = expect(ready).rejects.toMatchObject({ code: "timeout" });
    await vi.advanceTimersByTimeAsync(READY_TIMEOUT_MS);
    await outcome;
  });

  it("rejects a call with code timeout after TIMEOUT_MS", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    host.answer("1", launch);
    await settle();

    const payment = plaza.requestPayment({ prepayId: "pp_1" });
    const outcome = expect(payment).rejects.toMatchObject({
      code: "timeout",
      message: "plaza-sdk: requestPayment timed out",
    });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    const early = vi.fn();
    payment.catch(early);
    await settle();
    expect(early).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await outcome;
  });
});

describe("refusals", () => {
  it("rejects with the host's stable code and detail", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    host.answer("1", launch);
    await settle();

    const login = plaza.login({ scopes: ["phone"] });
    await settle();
    host.refuse("2", "scope_not_granted", "This app may not ask for: phone.");
    await expect(login).rejects.toMatchObject({
      code: "scope_not_granted",
      message: "This app may not ask for: phone.",
    });

    const share = plaza.share({ title: "t", pagePath: "p", imageUrl: "https://x/i.png" });
    await settle();
    host.refuse("3", "user_cancelled");
    await expect(share).rejects.toMatchObject({
      code: "user_cancelled",
      message: "user_cancelled",
    });
  });

  it("refuses bad arguments at once, before anything is sent", async () => {
    const host = frame();
    const plaza = createPlaza(host.win);
    expect(() => plaza.requestPayment({ prepayId: "" })).toThrow(TypeError);
    expect(() => plaza.requestSubscribeMessage({ templates: [] })).toThrow("1 to 3 template ids");
    expect(() => plaza.requestSubscribeMessage({ templates: ["a", "b", "c", "d"] })).toThrow(
      TypeError,
    );
    expect(() => plaza.share({ title: "t", pagePath: "", imageUrl: "i" })).toThrow(
      "pagePath must be a non-empty string",
    );
    host.answer("1", launch);
    await settle();
    expect(host.sent.map((message) => message.method)).toEqual(["ready"]);
  });
});
