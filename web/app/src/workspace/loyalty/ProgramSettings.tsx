import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { CURRENCIES, CurrencyField, Form, FormSection, TextField } from "../../components/Form";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";
import { loyaltyKey, type Program } from "./useLoyalty";

/** A program may count in yen too, which no wallet holds. */
const PROGRAM_CURRENCIES = [...CURRENCIES, "JPY"];

function useRefreshProgram(brandId: number) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: loyaltyKey(brandId) });
}

/** No program yet: its name, what points are called, how many a purchase earns. */
export function StartProgram({ brandId }: { brandId: number }) {
  const { t } = useTranslation();
  const notify = useToast();
  const refresh = useRefreshProgram(brandId);
  const [form, setForm] = useState({
    name: "",
    points_name: "points",
    currency: "EUR",
    points_per_unit: "1",
    redeem_points_per_unit: "100",
    checkout_max: "50",
  });
  const start = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/programs", {
          body: {
            brand_id: brandId,
            name: form.name.trim(),
            points_name: form.points_name.trim() || "points",
            currency: form.currency,
            points_per_unit: Number(form.points_per_unit),
            redeem_points_per_unit: Number(form.redeem_points_per_unit),
            checkout_max_amount: parseMoney(form.checkout_max, form.currency) ?? 0,
          },
        }),
      ),
    onSuccess: () => {
      notify(t("loyaltyWorkspace.program.started"));
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value });
  return (
    <FormSection
      id="start-program"
      title={t("loyaltyWorkspace.program.start")}
      hint={t("loyaltyWorkspace.program.startHint")}
      onSubmit={() => start.mutate()}
    >
      <TextField
        id="program-name"
        label={t("loyaltyWorkspace.program.name")}
        value={form.name}
        onChange={set("name")}
        required
        error={fieldError(start.error, "name")}
      />
      <TextField
        id="program-points-name"
        label={t("loyaltyWorkspace.program.pointsName")}
        value={form.points_name}
        onChange={set("points_name")}
      />
      <CurrencyField
        id="program-currency"
        label={t("loyaltyWorkspace.program.currency")}
        value={form.currency}
        onChange={set("currency")}
        currencies={PROGRAM_CURRENCIES}
      />
      <TextField
        id="program-rate"
        type="number"
        label={t("loyaltyWorkspace.program.pointsPerUnit")}
        value={form.points_per_unit}
        onChange={set("points_per_unit")}
        required
        error={fieldError(start.error, "points_per_unit")}
      />
      <TextField
        id="program-redeem"
        type="number"
        label={t("loyaltyWorkspace.program.redeemPointsPerUnit")}
        value={form.redeem_points_per_unit}
        onChange={set("redeem_points_per_unit")}
        required
        error={fieldError(start.error, "redeem_points_per_unit")}
      />
      <TextField
        id="program-checkout-max"
        inputMode="decimal"
        label={t("loyaltyWorkspace.program.checkoutMax", { currency: form.currency })}
        value={form.checkout_max}
        onChange={set("checkout_max")}
        required
        error={fieldError(start.error, "checkout_max_amount")}
      />
      <button type="submit" className="primary" disabled={start.isPending}>
        {t("loyaltyWorkspace.program.startButton")}
      </button>
    </FormSection>
  );
}

/** The earn rules that may change from now on (the currency stays as set). */
export function ProgramRules({ brandId, program }: { brandId: number; program: Program }) {
  const { t } = useTranslation();
  const notify = useToast();
  const refresh = useRefreshProgram(brandId);
  const [form, setForm] = useState({
    name: program.name,
    points_name: program.points_name ?? "points",
    points_per_unit: String(program.points_per_unit),
    signup_points: String(program.signup_points ?? 0),
  });
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PATCH("/api/v1/loyalty/brands/{brand_id}/program", {
          params: { path: { brand_id: brandId } },
          body: {
            name: form.name.trim(),
            points_name: form.points_name.trim(),
            points_per_unit: Number(form.points_per_unit),
            signup_points: Number(form.signup_points),
          },
        }),
      ),
    onSuccess: () => {
      notify(t("loyaltyWorkspace.program.saved"));
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value });
  return (
    <FormSection
      id="program"
      title={t("loyaltyWorkspace.program.rules")}
      hint={t("loyaltyWorkspace.program.summary", {
        points: program.points_per_unit,
        name: program.points_name ?? "points",
        currency: program.currency,
      })}
      onSubmit={() => save.mutate()}
    >
      <TextField
        id="rules-name"
        label={t("loyaltyWorkspace.program.name")}
        value={form.name}
        onChange={set("name")}
        required
        error={fieldError(save.error, "name")}
      />
      <TextField
        id="rules-points-name"
        label={t("loyaltyWorkspace.program.pointsName")}
        value={form.points_name}
        onChange={set("points_name")}
        required
      />
      <TextField
        id="rules-rate"
        type="number"
        label={t("loyaltyWorkspace.program.pointsPerUnitIn", { currency: program.currency })}
        value={form.points_per_unit}
        onChange={set("points_per_unit")}
        required
        error={fieldError(save.error, "points_per_unit")}
      />
      <TextField
        id="rules-signup"
        type="number"
        label={t("loyaltyWorkspace.program.signupPoints")}
        value={form.signup_points}
        onChange={set("signup_points")}
        required
        error={fieldError(save.error, "signup_points")}
      />
      <button type="submit" disabled={save.isPending}>
        {t("loyaltyWorkspace.program.save")}
      </button>
    </FormSection>
  );
}

/** Status levels by 12-month spend, each multiplying the points earned. */
export function Tiers({ brandId, program }: { brandId: number; program: Program }) {
  const { t, i18n } = useTranslation();
  const notify = useToast();
  const refresh = useRefreshProgram(brandId);
  const [form, setForm] = useState({ name: "", from: "", multiplier: "150" });
  const add = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/tiers", {
          params: { path: { brand_id: brandId } },
          body: {
            name: form.name.trim(),
            min_spend: parseMoney(form.from, program.currency) ?? 0,
            multiplier_percent: Number(form.multiplier),
          },
        }),
      ),
    onSuccess: (tier) => {
      notify(t("loyaltyWorkspace.tiers.added", { name: tier.name }));
      setForm({ name: "", from: "", multiplier: "150" });
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value });
  return (
    <section aria-labelledby="tiers-heading" className="padded">
      <h2 id="tiers-heading">{t("loyaltyWorkspace.tiers.title")}</h2>
      <ul className="list loyalty-list">
        {program.tiers.map((tier) => (
          <li key={tier.name} className="row">
            <span className="row-main">
              <span className="row-title">{tier.name}</span>
              <span className="row-sub">
                {t("loyaltyWorkspace.tiers.line", {
                  from: formatMoney(tier.min_spend, program.currency, i18n.language),
                  multiplier: (tier.multiplier_percent ?? 100) / 100,
                })}
              </span>
            </span>
          </li>
        ))}
      </ul>
      <Form onSubmit={() => add.mutate()} label={t("loyaltyWorkspace.tiers.add")}>
        <TextField
          id="tier-name"
          label={t("loyaltyWorkspace.tiers.name")}
          value={form.name}
          onChange={set("name")}
          required
          error={fieldError(add.error, "name")}
        />
        <TextField
          id="tier-from"
          inputMode="decimal"
          label={t("loyaltyWorkspace.tiers.from", { currency: program.currency })}
          value={form.from}
          onChange={set("from")}
          required
          error={fieldError(add.error, "min_spend")}
        />
        <TextField
          id="tier-multiplier"
          type="number"
          label={t("loyaltyWorkspace.tiers.multiplier")}
          value={form.multiplier}
          onChange={set("multiplier")}
          required
          error={fieldError(add.error, "multiplier_percent")}
        />
        <button type="submit" disabled={add.isPending}>
          {t("loyaltyWorkspace.tiers.add")}
        </button>
      </Form>
    </section>
  );
}
