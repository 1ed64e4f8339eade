import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { fieldError } from "../../api/errors";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";
import { Form, TextField } from "../../components/Form";
import { loyaltyKey, type Program, type Reward } from "./useLoyalty";

type CouponKind = Schemas["CouponKindEnum"];

/** The reward catalogue: points exchanged for a coupon. Edit or retire what is offered. */
export function Rewards({ brandId, program }: { brandId: number; program: Program }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="rewards-heading" className="padded">
      <h2 id="rewards-heading">{t("loyaltyWorkspace.rewards.title")}</h2>
      {program.rewards.length === 0 && (
        <p className="muted">{t("loyaltyWorkspace.rewards.none")}</p>
      )}
      <ul className="list loyalty-list">
        {program.rewards.map((reward) => (
          <RewardRow key={reward.id} brandId={brandId} program={program} reward={reward} />
        ))}
      </ul>
      <NewReward brandId={brandId} program={program} />
    </section>
  );
}

function RewardRow({
  brandId,
  program,
  reward,
}: {
  brandId: number;
  program: Program;
  reward: Reward;
}) {
  const { t, i18n } = useTranslation();
  const notify = useToast();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ name: reward.name, points: String(reward.points_cost) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: loyaltyKey(brandId) });
  const path = { params: { path: { brand_id: brandId, reward_id: reward.id } } };
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PATCH("/api/v1/loyalty/brands/{brand_id}/rewards/{reward_id}", {
          ...path,
          body: { name: form.name.trim(), points_cost: Number(form.points) },
        }),
      ),
    onSuccess: () => {
      setEditing(false);
      notify(t("loyaltyWorkspace.rewards.saved", { name: form.name.trim() }));
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const retire = useMutation({
    mutationFn: () => ok(api.DELETE("/api/v1/loyalty/brands/{brand_id}/rewards/{reward_id}", path)),
    onSuccess: () => {
      notify(t("loyaltyWorkspace.rewards.retired", { name: reward.name }));
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <li className="row loyalty-reward">
      <span className="row-main">
        <span className="row-title">{reward.name}</span>
        <span className="row-sub">
          {t("loyaltyWorkspace.rewards.line", {
            points: reward.points_cost,
            name: program.points_name ?? "points",
            coupon:
              reward.coupon_kind === "percent"
                ? t("loyaltyWorkspace.rewards.percentOff", { value: reward.coupon_value })
                : t("loyaltyWorkspace.rewards.amountOff", {
                    value: formatMoney(reward.coupon_value, program.currency, i18n.language),
                  }),
          })}
        </span>
      </span>
      {editing ? (
        <form
          className="inline-form"
          onSubmit={submit}
          aria-label={t("loyaltyWorkspace.rewards.editOf", { name: reward.name })}
        >
          <input
            aria-label={t("loyaltyWorkspace.rewards.name")}
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
          <input
            aria-label={t("loyaltyWorkspace.rewards.pointsCost")}
            type="number"
            min={1}
            required
            value={form.points}
            onChange={(e) => setForm({ ...form, points: e.target.value })}
          />
          <button type="submit" disabled={save.isPending}>
            {t("loyaltyWorkspace.rewards.save")}
          </button>
        </form>
      ) : (
        <span className="loyalty-actions">
          <button
            type="button"
            onClick={() => setEditing(true)}
            aria-label={t("loyaltyWorkspace.rewards.editOf", { name: reward.name })}
          >
            {t("loyaltyWorkspace.rewards.edit")}
          </button>
          <button
            type="button"
            className="danger"
            disabled={retire.isPending}
            onClick={() => retire.mutate()}
            aria-label={t("loyaltyWorkspace.rewards.retireOf", { name: reward.name })}
          >
            {t("loyaltyWorkspace.rewards.retire")}
          </button>
        </span>
      )}
    </li>
  );
}

function NewReward({ brandId, program }: { brandId: number; program: Program }) {
  const { t } = useTranslation();
  const notify = useToast();
  const queryClient = useQueryClient();
  const empty = { name: "", points: "", kind: "fixed" as CouponKind, value: "" };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/rewards", {
          params: { path: { brand_id: brandId } },
          body: {
            name: form.name.trim(),
            points_cost: Number(form.points),
            coupon_kind: form.kind,
            coupon_value:
              form.kind === "percent"
                ? Number(form.value)
                : (parseMoney(form.value, program.currency) ?? 0),
          },
        }),
      ),
    onSuccess: (reward) => {
      notify(t("loyaltyWorkspace.rewards.created", { name: reward.name }));
      setForm(empty);
      void queryClient.invalidateQueries({ queryKey: loyaltyKey(brandId) });
    },
    onError: (error) => notify(errorText(error)),
  });
  const set = (key: "name" | "points" | "value") => (value: string) =>
    setForm({ ...form, [key]: value });
  return (
    <Form title={t("loyaltyWorkspace.rewards.new")} onSubmit={() => create.mutate()}>
      <TextField
        id="reward-name"
        label={t("loyaltyWorkspace.rewards.name")}
        value={form.name}
        onChange={set("name")}
        required
        error={fieldError(create.error, "name")}
      />
      <TextField
        id="reward-points"
        type="number"
        label={t("loyaltyWorkspace.rewards.pointsCost")}
        value={form.points}
        onChange={set("points")}
        required
        error={fieldError(create.error, "points_cost")}
      />
      <div className="field">
        <label htmlFor="reward-kind">{t("loyaltyWorkspace.rewards.kind")}</label>
        <select
          id="reward-kind"
          value={form.kind}
          onChange={(e) => setForm({ ...form, kind: e.target.value as CouponKind })}
        >
          <option value="fixed">
            {t("loyaltyWorkspace.rewards.fixed", { currency: program.currency })}
          </option>
          <option value="percent">{t("loyaltyWorkspace.rewards.percent")}</option>
        </select>
      </div>
      <TextField
        id="reward-value"
        inputMode="decimal"
        label={t("loyaltyWorkspace.rewards.value")}
        value={form.value}
        onChange={set("value")}
        required
        error={fieldError(create.error, "coupon_value")}
      />
      <button type="submit" disabled={create.isPending}>
        {t("loyaltyWorkspace.rewards.create")}
      </button>
    </Form>
  );
}
