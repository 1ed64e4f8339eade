import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatMoney } from "../../i18n/format";
import type { RoomState } from "../../live/room";
import { withSample, type Sample } from "./samples";
import { useStats } from "./useLive";

/** Viewers and likes from the room socket (every tick), orders, buyers and sales from the stats
 * (read every 3 s while live), and a chart of viewers and orders since this screen opened. */
export function LiveFigures({
  showId,
  room,
  live,
}: {
  showId: number;
  room: RoomState;
  live: boolean;
}) {
  const { t, i18n } = useTranslation();
  const stats = useStats(showId, live);
  const [samples, setSamples] = useState<Sample[]>([]);
  const viewers = live ? room.viewers : (stats.data?.peak_viewers ?? 0);
  const updatedAt = stats.dataUpdatedAt;
  const orders = stats.data?.orders ?? 0;

  useEffect(() => {
    if (!live || !updatedAt) return;
    setSamples((list) => withSample(list, { at: updatedAt, viewers, orders }));
  }, [updatedAt, live, viewers, orders]);

  const number = new Intl.NumberFormat(i18n.language);
  const sales =
    stats.data?.gmv.map((m) => formatMoney(m.amount, m.currency, i18n.language)).join(" + ") || "0";
  const time = (at: number) =>
    new Intl.DateTimeFormat(i18n.language, { timeStyle: "medium" }).format(new Date(at));
  const figures: [string, string][] = [
    [
      live ? t("liveControl.figures.viewers") : t("liveControl.figures.peak"),
      number.format(viewers),
    ],
    [t("liveControl.figures.likes"), number.format(Math.max(room.likes, stats.data?.likes ?? 0))],
    [t("liveControl.figures.orders"), number.format(orders)],
    [t("liveControl.figures.buyers"), number.format(stats.data?.buyers ?? 0)],
    [t("liveControl.figures.sales"), sales],
  ];
  return (
    <section aria-labelledby="figures-heading" className="padded">
      <h2 id="figures-heading">{t("liveControl.figures.title")}</h2>
      <div className="live-figures">
        {figures.map(([label, value]) => (
          <div key={label} className="live-figure" role="group" aria-label={`${label}: ${value}`}>
            <span className="live-figure-label">{label}</span>
            <strong className="live-figure-value">{value}</strong>
          </div>
        ))}
      </div>
      {live && (
        <figure className="chart" aria-label={t("liveControl.figures.chart")}>
          <ResponsiveContainer width="100%" height={180}>
            <LineChart data={samples}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="at" tickFormatter={time} fontSize={12} minTickGap={40} />
              <YAxis allowDecimals={false} width={40} fontSize={12} />
              <Tooltip labelFormatter={(at) => time(Number(at))} />
              <Legend />
              <Line
                type="monotone"
                dataKey="viewers"
                name={t("liveControl.figures.viewers")}
                stroke="var(--accent)"
                dot={false}
                isAnimationActive={false}
              />
              <Line
                type="stepAfter"
                dataKey="orders"
                name={t("liveControl.figures.orders")}
                stroke="var(--muted)"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
    </section>
  );
}
