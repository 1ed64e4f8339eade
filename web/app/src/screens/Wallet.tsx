import { useEffect, useRef, useState } from "react";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { fieldError } from "../api/errors";
import {
  CurrencyField,
  Form,
  FormSection,
  SelectField,
  TextField,
  type Currency,
} from "../components/Form";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { PinSheet } from "../components/PinSheet";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime, formatMoney, parseMoney } from "../i18n/format";

/** The `cursor` of a page's `next` link. */
export function nextCursor(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  return new URL(next, "http://x").searchParams.get("cursor") ?? undefined;
}

export default function WalletScreen() {
  const { t, i18n } = useTranslation();
  const wallet = useQuery({ queryKey: ["wallet"], queryFn: () => ok(api.GET("/api/v1/wallet")) });
  return (
    <>
      <TopBar title={t("wallet.title")} back />
      <section aria-labelledby="balances-heading" className="padded">
        <h2 id="balances-heading">{t("wallet.balances")}</h2>
        {wallet.isPending ? (
          <Loading />
        ) : wallet.isError ? (
          <ErrorView error={wallet.error} retry={() => void wallet.refetch()} />
        ) : wallet.data.balances.length === 0 ? (
          <p className="empty">{t("wallet.noBalance")}</p>
        ) : (
          <ul className="balances" aria-label={t("wallet.balances")}>
            {wallet.data.balances.map((b) => (
              <li key={b.currency} className="balance">
                {formatMoney(b.available, b.currency, i18n.language)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <Transfer />
      <TopUp />
      <PinForm />
      <Statement />
    </>
  );
}

function AmountFields({
  prefix,
  amount,
  setAmount,
  currency,
  setCurrency,
  error,
}: {
  prefix: string;
  amount: string;
  setAmount(v: string): void;
  currency: Currency;
  setCurrency(c: Currency): void;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="composer-row">
      <div className="field grow">
        <label htmlFor={`${prefix}-amount`}>{t("wallet.amount")}</label>
        <input
          id={`${prefix}-amount`}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${prefix}-amount-error` : undefined}
        />
        {error && (
          <p id={`${prefix}-amount-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
      <CurrencyField
        id={`${prefix}-currency`}
        label={t("wallet.currency")}
        value={currency}
        onChange={setCurrency}
      />
    </div>
  );
}

function Transfer() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  const [currency, setCurrency] = useState<Currency>("EUR");
  const [pinOpen, setPinOpen] = useState(false);
  const minor = parseMoney(amount, currency);
  const contacts = useQuery({
    queryKey: ["contacts"],
    queryFn: () =>
      ok(api.GET("/api/v1/contacts", { params: { query: { limit: 100 } } })).then((p) => p.results),
  });
  async function pay(pin: string) {
    await ok(
      api.POST("/api/v1/wallet/transfers", {
        body: { to, amount: minor ?? 0, currency, pin },
        params: { header: { "Idempotency-Key": crypto.randomUUID() } },
      }),
    );
    notify(t("wallet.sent", { amount: formatMoney(minor ?? 0, currency, i18n.language) }));
    setAmount("");
    await queryClient.invalidateQueries({ queryKey: ["wallet"] });
  }
  return (
    <section aria-labelledby="transfer-heading" className="padded">
      <h2 id="transfer-heading">{t("wallet.transfer")}</h2>
      <Form onSubmit={() => setPinOpen(true)}>
        <SelectField id="transfer-to" label={t("wallet.to")} value={to} onChange={setTo} required>
          <option value="">{t("wallet.chooseContact")}</option>
          {contacts.data?.map((c) => (
            <option key={c.username} value={c.username}>
              {c.display_name}
            </option>
          ))}
        </SelectField>
        <AmountFields
          prefix="transfer"
          amount={amount}
          setAmount={setAmount}
          currency={currency}
          setCurrency={setCurrency}
        />
        <button type="submit" className="primary" disabled={!to || !minor}>
          {t("wallet.transferButton")}
        </button>
      </Form>
      <PinSheet
        open={pinOpen}
        onOpenChange={setPinOpen}
        pay={pay}
        summary={t("wallet.transferSummary", {
          amount: formatMoney(minor ?? 0, currency, i18n.language),
          name: contacts.data?.find((c) => c.username === to)?.display_name ?? to,
        })}
      />
    </section>
  );
}

function TopUp() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [amount, setAmount] = useState("");
  const [currency, setCurrency] = useState<Currency>("EUR");
  const topUp = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/wallet/topups", {
          body: { amount: parseMoney(amount, currency) ?? 0, currency },
          params: { header: { "Idempotency-Key": crypto.randomUUID() } },
        }),
      ),
    onSuccess: () => {
      setAmount("");
      notify(t("wallet.toppedUp"));
      void queryClient.invalidateQueries({ queryKey: ["wallet"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <FormSection id="topup" title={t("wallet.topUp")} onSubmit={() => topUp.mutate()}>
      <AmountFields
        prefix="topup"
        amount={amount}
        setAmount={setAmount}
        currency={currency}
        setCurrency={setCurrency}
        error={fieldError(topUp.error, "amount")}
      />
      <button type="submit" disabled={!parseMoney(amount, currency) || topUp.isPending}>
        {t("wallet.topUpButton")}
      </button>
    </FormSection>
  );
}

function PinForm() {
  const { t } = useTranslation();
  const notify = useToast();
  const [pin, setPin] = useState("");
  const [oldPin, setOldPin] = useState("");
  const save = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/v1/wallet/pin", { body: oldPin ? { pin, old_pin: oldPin } : { pin } })),
    onSuccess: () => {
      setPin("");
      setOldPin("");
      notify(t("wallet.pinSaved"));
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <FormSection id="pin" title={t("wallet.pinTitle")} onSubmit={() => save.mutate()}>
      <PinField
        id="old-pin"
        label={t("wallet.oldPin")}
        value={oldPin}
        onChange={setOldPin}
        error={fieldError(save.error, "old_pin")}
        hint={t("wallet.oldPinHint")}
      />
      <PinField
        id="new-pin"
        label={t("wallet.newPin")}
        value={pin}
        onChange={setPin}
        error={fieldError(save.error, "pin")}
      />
      <button type="submit" disabled={pin.length !== 6}>
        {t("wallet.savePin")}
      </button>
    </FormSection>
  );
}

/** Six digits, hidden as they are typed; anything but a digit is dropped. */
function PinField({
  onChange,
  ...field
}: {
  id: string;
  label: string;
  value: string;
  onChange(pin: string): void;
  error?: string;
  hint?: string;
}) {
  return (
    <TextField
      {...field}
      type="password"
      inputMode="numeric"
      maxLength={6}
      autoComplete="off"
      onChange={(value) => onChange(value.replace(/\D/g, ""))}
    />
  );
}

function Statement() {
  const { t, i18n } = useTranslation();
  const end = useRef<HTMLDivElement>(null);
  const statement = useInfiniteQuery({
    queryKey: ["wallet", "statement"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      ok(
        api.GET("/api/v1/wallet/transactions", {
          params: { query: { cursor: pageParam, limit: 20 } },
        }),
      ),
    getNextPageParam: (page) => nextCursor(page.next),
  });
  const { hasNextPage, fetchNextPage, isFetchingNextPage } = statement;
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && hasNextPage && !isFetchingNextPage)
        void fetchNextPage();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasNextPage, fetchNextPage, isFetchingNextPage]);
  const entries = statement.data?.pages.flatMap((p) => p.results) ?? [];
  return (
    <section aria-labelledby="statement-heading" className="padded">
      <h2 id="statement-heading">{t("wallet.statement")}</h2>
      {statement.isError && (
        <ErrorView error={statement.error} retry={() => void statement.refetch()} />
      )}
      {statement.isSuccess && entries.length === 0 && (
        <p className="empty">{t("wallet.noEntries")}</p>
      )}
      <ul className="list" aria-label={t("wallet.statement")}>
        {entries.map((entry) => (
          <li key={entry.id} className="row">
            <span className="row-main">
              <span className="name">
                {t(`wallet.entry.${entry.type}`, { defaultValue: entry.type })}
                {entry.counterparty ? ` · ${entry.counterparty}` : ""}
              </span>
              <time className="muted small" dateTime={entry.created_at}>
                {formatDateTime(entry.created_at, i18n.language)}
              </time>
            </span>
            <span className={entry.amount < 0 ? "amount out" : "amount in"}>
              {formatMoney(entry.amount, entry.currency, i18n.language)}
            </span>
          </li>
        ))}
      </ul>
      <div ref={end} />
      {hasNextPage && (
        <button type="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
          {t("wallet.more")}
        </button>
      )}
    </section>
  );
}
