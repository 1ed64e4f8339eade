import { describe, expect, it } from "vitest";
import { base64url, challengeOf, randomVerifier } from "./pkce";

describe("PKCE", () => {
  it("derives the RFC 7636 appendix B challenge", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes unpadded URL-safe verifiers of 64 characters", () => {
    const verifier = randomVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(randomVerifier()).not.toBe(verifier);
    expect(base64url(new Uint8Array([251, 255]))).toBe("-_8");
  });
});
