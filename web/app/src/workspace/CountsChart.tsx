import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

/** One kind of count: its field in the rows, its name in the legend, its colour. */
export interface Series {
  key: string;
  name: string;
  fill: string;
}

/** Counts as bars, one group (or, `stacked`, one bar) per row, with their legend. */
export function CountsChart({
  label,
  rows,
  xKey,
  series,
  stacked = false,
  xLabel,
}: {
  /** What the figure shows, for a screen reader. */
  label: string;
  rows: object[];
  xKey: string;
  series: Series[];
  stacked?: boolean;
  xLabel?(x: string): string;
}) {
  return (
    <figure className="chart" aria-label={label}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={xKey} tickFormatter={xLabel} fontSize={12} />
          <YAxis allowDecimals={false} width={40} fontSize={12} />
          <Tooltip labelFormatter={xLabel ? (x) => xLabel(String(x)) : undefined} />
          <Legend />
          {series.map(({ key, name, fill }) => (
            <Bar
              key={key}
              dataKey={key}
              name={name}
              fill={fill}
              stackId={stacked ? "counts" : undefined}
              maxBarSize={48}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
