import { useEffect, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { errorText, useToast } from "../../components/Toast";
import {
  EMPTY_DRAFT,
  filtersOf,
  hasFilters,
  type FilterDraft,
  type SegmentFilters,
} from "./filters";
import { Form, TextField } from "../../components/Form";
import { loyaltyKey, useSegments, type Program } from "./useLoyalty";

/** Spent at least, spent at most: the draft's keys, and their labels' keys. */
const SPEND_BOUNDS = ["minSpend", "maxSpend"] as const;

/** `value`, once it has stopped changing for `delay` ms. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** Build a segment from filters, seeing its audience (and who consents) as the filters change. */
export function SegmentEditor({ brandId, program }: { brandId: number; program: Program }) {
  const { t } = useTranslation();
  const notify = useToast();
  const queryClient = useQueryClient();
  const segments = useSegments(brandId);
  const [name, setName] = useState("");
  const [draft, setDraft] = useState<FilterDraft>(EMPTY_DRAFT);
  // Recomputed only when the draft changes, so the day window does not move on every render.
  const [filters, setFilters] = useState<SegmentFilters>({});
  useEffect(
    () => setFilters(filtersOf(draft, program.currency, new Date())),
    [draft, program.currency],
  );
  const settled = useDebounced(filters, 300);
  const audience = useQuery({
    queryKey: [...loyaltyKey(brandId), "audience", settled],
    queryFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/segments/preview", {
          params: { path: { brand_id: brandId } },
          body: settled,
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/segments", {
          params: { path: { brand_id: brandId } },
          body: { name: name.trim(), filters },
        }),
      ),
    onSuccess: (segment) => {
      notify(t("loyaltyWorkspace.segments.saved", { name: segment.name }));
      setName("");
      setDraft(EMPTY_DRAFT);
      void queryClient.invalidateQueries({ queryKey: [...loyaltyKey(brandId), "segments"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  function toggleTier(tier: string, on: boolean) {
    const tiers = on ? [...draft.tiers, tier] : draft.tiers.filter((n) => n !== tier);
    setDraft({ ...draft, tiers });
  }
  const set = (key: "minSpend" | "maxSpend" | "boughtWithinDays") => (value: string) =>
    setDraft({ ...draft, [key]: value });
  const stale = audience.isFetching || settled !== filters;
  return (
    <section aria-labelledby="segments-heading" className="padded">
      <h2 id="segments-heading">{t("loyaltyWorkspace.segments.title")}</h2>
      <ul className="list loyalty-list" aria-label={t("loyaltyWorkspace.segments.saved_list")}>
        {segments.data?.map((segment) => (
          <li key={segment.id} className="row">
            <span className="row-main">
              <span className="row-title">{segment.name}</span>
            </span>
          </li>
        ))}
      </ul>
      {segments.data?.length === 0 && (
        <p className="muted">{t("loyaltyWorkspace.segments.none")}</p>
      )}
      <Form title={t("loyaltyWorkspace.segments.new")} onSubmit={() => save.mutate()}>
        <TextField
          id="segment-name"
          label={t("loyaltyWorkspace.segments.name")}
          value={name}
          onChange={setName}
          required
          error={fieldError(save.error, "name")}
        />
        <fieldset className="loyalty-tiers">
          <legend>{t("loyaltyWorkspace.segments.tiers")}</legend>
          {program.tiers.map((tier) => (
            <label key={tier.name}>
              <input
                type="checkbox"
                checked={draft.tiers.includes(tier.name)}
                onChange={(e) => toggleTier(tier.name, e.target.checked)}
              />
              {tier.name}
            </label>
          ))}
        </fieldset>
        {SPEND_BOUNDS.map((bound) => (
          <TextField
            key={bound}
            id={`segment-${bound}`}
            inputMode="decimal"
            label={t(`loyaltyWorkspace.segments.${bound}`, { currency: program.currency })}
            value={draft[bound]}
            onChange={set(bound)}
          />
        ))}
        <TextField
          id="segment-days"
          type="number"
          label={t("loyaltyWorkspace.segments.boughtWithin")}
          value={draft.boughtWithinDays}
          onChange={set("boughtWithinDays")}
        />
        <p className="loyalty-audience" role="status" aria-busy={stale}>
          {audience.data
            ? t("loyaltyWorkspace.segments.audience", {
                count: audience.data.size,
                consenting: audience.data.consenting,
              })
            : t("loyaltyWorkspace.segments.counting")}
        </p>
        <button type="submit" disabled={save.isPending || !hasFilters(filters)}>
          {t("loyaltyWorkspace.segments.save")}
        </button>
      </Form>
    </section>
  );
}
