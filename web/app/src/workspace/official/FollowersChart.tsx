import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { api, ok } from "../../api/client";
import { SegmentedFilter } from "../../components/SegmentedFilter";
import { ErrorView, Loading } from "../../components/Status";
import { officialKeys, type Account } from "./useOfficial";

const WINDOWS = [7, 30, 90];

/** The follower count at the end of each day (lazy-loaded: it brings the charting library). */
export default function FollowersChart({ account }: { account: Account }) {
  const { t } = useTranslation();
  const [days, setDays] = useState(30);
  const stats = useQuery({
    queryKey: [...officialKeys.followers(account.id), days],
    queryFn: () =>
      ok(
        api.GET("/api/v1/official-accounts/{account_id}/follower-stats", {
          params: { path: { account_id: account.id }, query: { days } },
        }),
      ),
    select: (answer) => answer.results,
  });
  return (
    <section className="padded stack" aria-labelledby="official-followers-heading">
      <h2 id="official-followers-heading">{t("workspaceOfficial.followers.title")}</h2>
      <p>{t("workspaceOfficial.profile.followers", { count: account.follower_count })}</p>
      <SegmentedFilter
        className="official-windows"
        label={t("workspaceOfficial.followers.window")}
        options={WINDOWS}
        value={days}
        onChange={setDays}
        name={(n) => t("workspaceOfficial.followers.days", { count: n })}
      />
      {stats.isPending && <Loading />}
      {stats.isError && <ErrorView error={stats.error} retry={() => void stats.refetch()} />}
      {stats.data && (
        <figure className="official-chart" aria-label={t("workspaceOfficial.followers.chart")}>
          <ResponsiveContainer width="100%" height={240}>
            <AreaChart data={stats.data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Area
                type="monotone"
                dataKey="followers"
                name={t("workspaceOfficial.followers.series")}
                stroke="var(--accent)"
                fill="var(--accent)"
                fillOpacity={0.2}
                isAnimationActive={false}
              />
            </AreaChart>
          </ResponsiveContainer>
          <figcaption className="muted small">
            {t("workspaceOfficial.followers.caption")}
          </figcaption>
        </figure>
      )}
    </section>
  );
}
