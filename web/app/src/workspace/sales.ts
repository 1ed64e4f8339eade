/** Paid sales per UTC day over the last `days` days, oldest first, zero-filled. */
export interface DaySales {
  day: string; // YYYY-MM-DD
  amount: number; // minor units
}

interface PaidOrder {
  paid_at?: string | null;
  total: { amount: number; currency: string };
  refunded: { amount: number };
}

export function salesPerDay(
  orders: PaidOrder[],
  currency: string,
  days: number,
  now: Date,
): DaySales[] {
  const series: DaySales[] = [];
  const index = new Map<string, DaySales>();
  for (let back = days - 1; back >= 0; back -= 1) {
    const day = new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    const entry = { day, amount: 0 };
    series.push(entry);
    index.set(day, entry);
  }
  for (const order of orders) {
    if (!order.paid_at || order.total.currency !== currency) continue;
    const entry = index.get(order.paid_at.slice(0, 10));
    if (entry) entry.amount += order.total.amount - order.refunded.amount;
  }
  return series;
}
