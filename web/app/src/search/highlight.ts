export interface HighlightedText {
  text: string;
  highlights: number[][];
}

export interface Segment {
  text: string;
  marked: boolean;
}

/** Splits `text` into plain and marked runs from the server's `[start, end)` offsets, which count
 * characters (code points, as Python does), not UTF-16 units. Overlapping or out-of-range
 * offsets are clipped; the text itself is never interpreted as HTML. */
export function segments({ text, highlights }: HighlightedText): Segment[] {
  const characters = Array.from(text);
  const result: Segment[] = [];
  let position = 0;
  const ranges = highlights
    .map(([start = 0, end = 0]) => [Math.max(0, start), Math.min(characters.length, end)] as const)
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0]);
  for (const [start, end] of ranges) {
    const from = Math.max(start, position);
    if (from >= end) continue;
    if (from > position)
      result.push({ text: characters.slice(position, from).join(""), marked: false });
    result.push({ text: characters.slice(from, end).join(""), marked: true });
    position = end;
  }
  if (position < characters.length)
    result.push({ text: characters.slice(position).join(""), marked: false });
  return result;
}
