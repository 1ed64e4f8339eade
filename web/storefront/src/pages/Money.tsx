import { useTranslation } from "react-i18next";
import { formatMoney } from "../api";

export function Money({ amount, currency }: { amount: number; currency: string }) {
  const { i18n } = useTranslation();
  return <>{formatMoney(amount, currency, i18n.language)}</>;
}

export function useMoney() {
  const { i18n } = useTranslation();
  return (amount: number, currency: string) => formatMoney(amount, currency, i18n.language);
}
