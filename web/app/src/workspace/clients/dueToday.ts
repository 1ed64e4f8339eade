/** The open follow-ups due by the end of today (overdue ones included), soonest first. */
export function dueToday<T extends { due_at: string; done_at?: string | null }>(
  tasks: T[],
  now: Date,
): T[] {
  const endOfDay = new Date(now);
  endOfDay.setHours(23, 59, 59, 999);
  return tasks
    .filter((task) => !task.done_at && new Date(task.due_at) <= endOfDay)
    .sort((a, b) => a.due_at.localeCompare(b.due_at));
}
