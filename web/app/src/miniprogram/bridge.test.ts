import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BridgeError, createBridge, type BridgeOptions, type Incoming } from "./bridge";

const BUNDLE = "https://mp.plaza.test";
const launch = { path: "pages/index", query: {}, scene: "chat", source: "chat_card" };

/** A stand-in for the frame's window: records what the host posts to it. */
function fakeWindow() {
  const posted: { message: Record<string, unknown>; target: string }[] = [];
  const win = {
    postMessage: (message: Record<string, unknown>, target: string) =>
      posted.push({ message, target }),
  } as unknown as Window;
  return { win, posted };
}

function setup(overrides: Partial<BridgeOptions> = {}) {
  const frame = fakeWindow();
  const login = vi.fn(async () => ({ code: "c0de" }));
  const requestPayment = vi.fn(async () => ({ status: "paid" }));
  const bridge = createBridge({
    frame: () => frame.win,
    bundleOrigin: BUNDLE,
    scopes: ["profile"],
    launch,
    handlers: { login, requestPayment },
    ...overrides,
  });
  const send = (data: unknown, event: Partial<Incoming> = {}) =>
    bridge.handle({ data, origin: "null", source: frame.win, ...event });
  /** The answers so far, after pending handlers have settled. */
  const answers = async () => {
    await vi.runAllTimersAsync();
    return frame.posted.map((p) => p.message);
  };
  return { bridge, frame, login, requestPayment, send, answers };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("the mini-program bridge", () => {
  it("answers the ready handshake with the launch options, once ready", async () => {
    const onReady = vi.fn();
    const { send, answers, bridge, frame } = setup({ onReady });
    expect(bridge.isReady()).toBe(false);
    send({ plaza: 1, id: "1", method: "ready", params: {} });
    expect(await answers()).toEqual([{ plaza: 1, id: "1", result: launch }]);
    expect(frame.posted[0]?.target).toBe("*");
    expect(onReady).toHaveBeenCalledTimes(1);
    expect(bridge.isReady()).toBe(true);
  });

  it("runs a granted method and answers with its id", async () => {
    const { send, answers, login } = setup();
    send({ plaza: 1, id: "7", method: "login", params: { scopes: ["profile"] } });
    expect(await answers()).toEqual([{ plaza: 1, id: "7", result: { code: "c0de" } }]);
    expect(login).toHaveBeenCalledWith({ scopes: ["profile"] });
  });

  it("refuses scopes and methods the app was not granted, and does nothing", async () => {
    const { send, answers, login, requestPayment } = setup();
    send({ plaza: 1, id: "1", method: "login", params: { scopes: ["profile", "phone"] } });
    send({ plaza: 1, id: "2", method: "requestPayment", params: { prepay_id: "p" } });
    send({ plaza: 1, id: "3", method: "readCookies", params: {} });
    const codes = (await answers()).map((a) => [a.id, (a.error as { code: string }).code]);
    expect(codes).toEqual([
      ["1", "scope_not_granted"],
      ["2", "scope_not_granted"],
      ["3", "unknown_method"],
    ]);
    expect(login).not.toHaveBeenCalled();
    expect(requestPayment).not.toHaveBeenCalled();
  });

  it("ignores messages from another window or another origin", async () => {
    const { send, answers, login } = setup();
    const other = fakeWindow();
    const request = { plaza: 1, id: "1", method: "login", params: {} };
    send(request, { source: other.win });
    send(request, { origin: "https://evil.test" });
    send(request, { source: null });
    expect(await answers()).toEqual([]);
    expect(other.posted).toEqual([]);
    expect(login).not.toHaveBeenCalled();
  });

  it("accepts the bundle origin itself, and ignores what is not plaza-sdk v1", async () => {
    const { send, answers } = setup();
    send({ plaza: 2, id: "1", method: "ready" }, { origin: BUNDLE });
    send({ plaza: 1, method: "ready" }, { origin: BUNDLE });
    send({ plaza: 1, id: "x", method: "ready", params: [] }, { origin: BUNDLE });
    send("ready", { origin: BUNDLE });
    send({ plaza: 1, id: "2", method: "ready" }, { origin: BUNDLE });
    expect((await answers()).map((a) => a.id)).toEqual(["2"]);
  });

  it("passes a sheet's cancellation and the API's code on as stable error codes", async () => {
    const { send, answers } = setup({
      handlers: {
        login: async () => {
          throw new BridgeError("user_cancelled", "Closed.");
        },
        share: async () => {
          throw new Error("boom");
        },
      },
    });
    send({ plaza: 1, id: "1", method: "login", params: {} });
    send({ plaza: 1, id: "2", method: "share", params: {} });
    expect(await answers()).toEqual([
      { plaza: 1, id: "1", error: { code: "user_cancelled", detail: "Closed." } },
      { plaza: 1, id: "2", error: { code: "host_error", detail: "boom" } },
    ]);
  });

  it("times out a call that never settles, and says nothing after dispose", async () => {
    const { send, frame, bridge } = setup({
      timeoutMs: 1000,
      handlers: {
        login: () => new Promise(() => undefined),
        share: () => new Promise(() => undefined),
      },
    });
    send({ plaza: 1, id: "1", method: "login", params: {} });
    await vi.advanceTimersByTimeAsync(999);
    expect(frame.posted).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(frame.posted.map((p) => (p.message.error as { code: string }).code)).toEqual([
      "timeout",
    ]);
    send({ plaza: 1, id: "2", method: "share", params: {} });
    bridge.dispose();
    await vi.advanceTimersByTimeAsync(5000);
    send({ plaza: 1, id: "3", method: "ready", params: {} });
    expect(frame.posted).toHaveLength(1);
  });
});
