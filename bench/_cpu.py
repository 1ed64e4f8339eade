"""CPU seconds used by processes of this host (Linux /proc), for benches that share two cores
between the load generator, Plaza's processes and PostgreSQL: a wall-clock rate moves with
whatever else the machine runs, the CPU a request costs much less."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone
        return None


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 once it is gone)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def scheduled_cpu_s(pid: int) -> float:
    """Seconds ``pid`` has run on a CPU, in nanoseconds (/proc/<pid>/schedstat), where
    /proc/<pid>/stat counts 10 ms ticks: for the profiles' batches of a few milliseconds."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def tree_cpu_s(root: int) -> float:
    """CPU seconds of ``root`` and every live descendant (a server and its worker processes)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))):
            parents[int(entry)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    return sum(process_cpu_s(pid) for pid in tree)


def backends_cpu_s(cursor) -> dict[int, float]:
    """{pid: CPU seconds} of the PostgreSQL backends connected to ``cursor``'s database
    (PostgreSQL runs on this host, so its /proc entries are readable)."""
    cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    return {pid: process_cpu_s(pid) for (pid,) in cursor.fetchall()}


def backends_used_s(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the backends used between two ``backends_cpu_s`` readings (new ones from 0)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
