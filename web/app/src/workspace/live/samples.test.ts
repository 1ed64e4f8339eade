import { describe, expect, it } from "vitest";
import { KEPT_SAMPLES, withSample } from "./samples";

describe("withSample", () => {
  it("adds a point per stats read and updates the latest between reads", () => {
    let samples = withSample([], { at: 1000, viewers: 1, orders: 0 });
    samples = withSample(samples, { at: 1000, viewers: 3, orders: 0 });
    samples = withSample(samples, { at: 4000, viewers: 2, orders: 1 });
    expect(samples).toEqual([
      { at: 1000, viewers: 3, orders: 0 },
      { at: 4000, viewers: 2, orders: 1 },
    ]);
  });

  it("keeps only the latest samples", () => {
    let samples = withSample([], { at: 0, viewers: 0, orders: 0 });
    for (let at = 1; at <= KEPT_SAMPLES; at += 1) {
      samples = withSample(samples, { at, viewers: at, orders: 0 });
    }
    expect(samples).toHaveLength(KEPT_SAMPLES);
    expect(samples[0]?.at).toBe(1);
  });
});
