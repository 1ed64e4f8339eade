import { afterEach, describe, expect, it, vi } from "vitest";
import { currentAccessToken, restoreSession } from "./tokens";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("restoring the session on a reload", () => {
  it("restores nothing when the network fails, and asks again on the next call", async () => {
    const offline = vi.fn().mockRejectedValue(new TypeError("Failed to fetch"));
    vi.stubGlobal("fetch", offline);
    await expect(restoreSession()).resolves.toBeNull();

    const online = vi
      .fn()
      .mockResolvedValue(
        new Response(JSON.stringify({ access_token: "token-1", expires_in: 300 }), { status: 200 }),
      );
    vi.stubGlobal("fetch", online);
    await expect(restoreSession()).resolves.toBe("token-1");
    expect(currentAccessToken()).toBe("token-1");
    expect([offline.mock.calls.length, online.mock.calls.length]).toEqual([1, 1]);
  });
});
