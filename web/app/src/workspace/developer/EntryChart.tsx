import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { ErrorView } from "../../components/Status";
import { CountsChart } from "../CountsChart";
import { entriesPerDay, SOURCES } from "./entries";

const COLOURS = ["var(--accent)", "#1d4ed8", "#b45309", "#7c3aed", "#be185d", "#6b7280"];

/** How people opened the app, per day and entry source, as stacked bars. */
export default function EntryChart({ appId }: { appId: string }) {
  const { t, i18n } = useTranslation();
  const stats = useQuery({
    queryKey: ["workspace", "dev", "app", appId, "entries"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/dev/miniprograms/{app_id}/analytics/entries", {
          params: { path: { app_id: appId } },
        }),
      ),
    select: (page) => page.results,
  });
  const days = entriesPerDay(stats.data ?? []);
  const total = days.reduce((sum, day) => sum + day.total, 0);
  const label = (day: string) =>
    new Intl.DateTimeFormat(i18n.language, { month: "short", day: "numeric" }).format(
      new Date(`${day}T00:00:00Z`),
    );
  return (
    <section aria-labelledby="entries-heading" className="padded">
      <h2 id="entries-heading">{t("developer.entries.title")}</h2>
      {stats.isError && <ErrorView error={stats.error} retry={() => void stats.refetch()} />}
      <p className="muted">{t("developer.entries.total", { count: total })}</p>
      {days.length > 0 && (
        <CountsChart
          label={t("developer.entries.chart", { count: total })}
          rows={days}
          xKey="day"
          xLabel={label}
          stacked
          series={SOURCES.map((source, index) => ({
            key: source,
            name: t(`developer.entries.source.${source}`),
            fill: COLOURS[index % COLOURS.length]!,
          }))}
        />
      )}
    </section>
  );
}
