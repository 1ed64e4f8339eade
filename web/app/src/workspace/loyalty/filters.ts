import type { Schemas } from "../../api/client";
import { parseMoney } from "../../i18n/format";

export type SegmentFilters = Schemas["SegmentFilters"];

/** The segment editor's fields as typed: tiers ticked, spend as money text, days as text. */
export interface FilterDraft {
  tiers: string[];
  minSpend: string;
  maxSpend: string;
  boughtWithinDays: string;
}

export const EMPTY_DRAFT: FilterDraft = {
  tiers: [],
  minSpend: "",
  maxSpend: "",
  boughtWithinDays: "",
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the API filters on, from the draft: blank or unreadable fields filter nothing. The
 * purchase window is counted back from `now` (whole days). */
export function filtersOf(draft: FilterDraft, currency: string, now: Date): SegmentFilters {
  const filters: SegmentFilters = {};
  if (draft.tiers.length > 0) filters.tiers = [...draft.tiers].sort();
  const min = parseMoney(draft.minSpend, currency);
  if (min !== null) filters.min_spend = min;
  const max = parseMoney(draft.maxSpend, currency);
  if (max !== null) filters.max_spend = max;
  const days = Number(draft.boughtWithinDays.trim());
  if (draft.boughtWithinDays.trim() && Number.isInteger(days) && days > 0) {
    const since = new Date(now.getTime() - days * DAY_MS);
    since.setUTCHours(0, 0, 0, 0);
    filters.last_purchase_after = since.toISOString();
  }
  return filters;
}

export function hasFilters(filters: SegmentFilters): boolean {
  return Object.keys(filters).length > 0;
}
