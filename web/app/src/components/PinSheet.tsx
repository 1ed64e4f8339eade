import { useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/errors";
import { formatRelative } from "../i18n/format";
import { Sheet } from "./Sheet";

/** Asks for the 6-digit payment PIN; shows a wrong PIN by the field, with the tries left before
 * the lock, and a locked PIN with when it unlocks. `pay` runs the payment with the PIN and
 * throws the API's error; `children` (e.g. the merchant and a test-money banner) shows above the
 * PIN. */
export function PinSheet({
  open,
  onOpenChange,
  summary,
  pay,
  children,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  summary: string;
  pay(pin: string): Promise<void>;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await pay(pin);
      setPin("");
      onOpenChange(false);
    } catch (caught) {
      setError(pinMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  function pinMessage(caught: unknown): string {
    if (!(caught instanceof ApiError)) return t("errors.network");
    if (caught.code === "pin_locked") {
      const until = caught.extra.locked_until;
      return typeof until === "string"
        ? t("pin.lockedUntil", { when: formatRelative(until, i18n.language) })
        : caught.message;
    }
    const attemptsLeft = caught.extra.attempts_left;
    if (caught.code === "invalid_pin" && typeof attemptsLeft === "number") {
      return t("pin.wrong", { count: attemptsLeft });
    }
    return caught.fields.pin?.join(" ") ?? caught.message;
  }

  return (
    <Sheet open={open} onOpenChange={onOpenChange} title={t("pin.title")} description={summary}>
      {children}
      <form onSubmit={submit} className="stack">
        <label htmlFor="payment-pin">{t("pin.label")}</label>
        <input
          id="payment-pin"
          className="pin-input"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          pattern="\d{6}"
          maxLength={6}
          required
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ""))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "payment-pin-error" : undefined}
        />
        {error && (
          <p id="payment-pin-error" role="alert" className="field-error">
            {error}
          </p>
        )}
        <button className="primary" type="submit" disabled={busy || pin.length !== 6}>
          {t("pin.pay")}
        </button>
      </form>
    </Sheet>
  );
}
