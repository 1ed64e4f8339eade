/** One point of the control room's chart. */
export interface Sample {
  at: number;
  viewers: number;
  orders: number;
}

/** How many samples the chart keeps (one per stats read, every 3 s: the last 15 minutes). */
export const KEPT_SAMPLES = 300;

/** The samples with `sample` added: a new point for a new stats read, else the latest point
 * updated (the room's viewer count moves between reads), oldest dropped past `KEPT_SAMPLES`. */
export function withSample(samples: Sample[], sample: Sample): Sample[] {
  const last = samples[samples.length - 1];
  const kept = last?.at === sample.at ? samples.slice(0, -1) : samples;
  return [...kept, sample].slice(-KEPT_SAMPLES);
}
