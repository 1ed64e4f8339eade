import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { fieldError } from "../../api/errors";
import { FormSection, SelectField, TextField } from "../../components/Form";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatMoney, parseMoney } from "../../i18n/format";
import { useCurrentTeam } from "../useTeams";
import { useBrandShop } from "../useShop";

type Coupon = Schemas["CouponOutput"];
type Kind = Schemas["CouponInputRequest"]["kind"];

/** The shop's coupon codes: create one, see them all, disable one. */
export default function CouponsScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const shop = useBrandShop(team?.id ?? 0);
  if (shop.isPending) return <Loading />;
  if (shop.isError) return <ErrorView error={shop.error} retry={() => void shop.refetch()} />;
  return (
    <>
      <TopBar title={t("shopDesk.coupons.title")} />
      {shop.data === null ? (
        <p className="empty">{t("workspace.orders.noShop")}</p>
      ) : (
        <>
          <NewCoupon shopId={shop.data.id} currency={shop.data.currency ?? "EUR"} />
          <CouponList shopId={shop.data.id} />
        </>
      )}
    </>
  );
}

function NewCoupon({ shopId, currency }: { shopId: number; currency: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<Kind>("percent");
  const [value, setValue] = useState("");
  const amount = kind === "percent" ? Number(value) : parseMoney(value, currency);
  const invalid =
    value !== "" &&
    (kind === "percent" ? !Number.isInteger(amount) || amount! < 1 || amount! > 100 : !amount);
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/manage/coupons", {
          params: { path: { shop_id: shopId } },
          body: {
            code: code.trim(),
            kind,
            value: amount ?? 0,
            ...(kind === "fixed" ? { currency } : {}),
          },
        }),
      ),
    onSuccess: (coupon) => {
      notify(t("shopDesk.coupons.created", { code: coupon.code }));
      setCode("");
      setValue("");
      void queryClient.invalidateQueries({ queryKey: ["workspace", "coupons", shopId] });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <FormSection
      id="new-coupon"
      title={t("shopDesk.coupons.new")}
      onSubmit={() => {
        if (!invalid) create.mutate();
      }}
    >
      <TextField
        id="coupon-code"
        label={t("shopDesk.coupons.code")}
        required
        pattern="[A-Za-z0-9_\-]{3,32}"
        value={code}
        onChange={setCode}
        error={fieldError(create.error, "code")}
      />
      <SelectField
        id="coupon-kind"
        label={t("shopDesk.coupons.kind")}
        value={kind}
        onChange={(kind) => setKind(kind as Kind)}
      >
        <option value="percent">{t("shopDesk.coupons.percent")}</option>
        <option value="fixed">{t("shopDesk.coupons.fixed", { currency })}</option>
      </SelectField>
      <TextField
        id="coupon-value"
        label={t("shopDesk.coupons.value")}
        required
        inputMode="decimal"
        value={value}
        onChange={setValue}
        error={invalid ? t("shopDesk.coupons.valueInvalid") : undefined}
      />
      <button type="submit" disabled={create.isPending}>
        {t("shopDesk.coupons.create")}
      </button>
    </FormSection>
  );
}

function CouponList({ shopId }: { shopId: number }) {
  const { t } = useTranslation();
  const coupons = useQuery({
    queryKey: ["workspace", "coupons", shopId],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/coupons", {
          params: { path: { shop_id: shopId } },
        }),
      ),
    select: (page) => page.results,
  });
  return (
    <section aria-labelledby="coupons-heading" className="padded">
      <h2 id="coupons-heading">{t("shopDesk.coupons.list")}</h2>
      {coupons.isPending && <Loading />}
      {coupons.isError && <ErrorView error={coupons.error} retry={() => void coupons.refetch()} />}
      {coupons.data?.length === 0 && <p className="muted">{t("shopDesk.coupons.none")}</p>}
      <ul className="list">
        {coupons.data?.map((coupon) => (
          <CouponRow key={coupon.id} coupon={coupon} shopId={shopId} />
        ))}
      </ul>
    </section>
  );
}

function CouponRow({ coupon, shopId }: { coupon: Coupon; shopId: number }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const disable = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/manage/coupons/{coupon_id}/disable", {
          params: { path: { shop_id: shopId, coupon_id: coupon.id } },
        }),
      ),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: ["workspace", "coupons", shopId] }),
    onError: (error) => notify(errorText(error)),
  });
  const worth =
    coupon.kind === "percent"
      ? t("shopDesk.coupons.percentOff", { value: coupon.value })
      : t("shopDesk.coupons.amountOff", {
          amount: formatMoney(coupon.value, coupon.currency || "EUR", i18n.language),
        });
  return (
    <li className="row">
      <span className="row-main">
        <span className="row-title">{coupon.code}</span>
        <span className="row-sub">
          {worth} ·{" "}
          {coupon.disabled_at ? t("shopDesk.coupons.disabled") : t("shopDesk.coupons.active")}
        </span>
      </span>
      {!coupon.disabled_at && (
        <button
          type="button"
          className="danger"
          disabled={disable.isPending}
          onClick={() => disable.mutate()}
        >
          {t("shopDesk.coupons.disable", { code: coupon.code })}
        </button>
      )}
    </li>
  );
}
