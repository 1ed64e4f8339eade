import { useTranslation } from "react-i18next";
import { clock } from "./room";

/** A flash deal's clock: how long until it opens, then until it closes, then that it closed. */
export function DealCountdown({ opensIn, closesIn }: { opensIn: number; closesIn: number }) {
  const { t } = useTranslation();
  return (
    <p className="muted small" role="timer" aria-live="off">
      {opensIn > 0
        ? t("live.opensIn", { time: clock(opensIn) })
        : closesIn > 0
          ? t("live.closesIn", { time: clock(closesIn) })
          : t("live.dealClosed")}
    </p>
  );
}
