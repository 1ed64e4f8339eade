"""Run every bench, keep their figures in bench/history.csv and write docs/benchmarks.md.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/run_all.py [--quick]
    make bench            # the same, full sizes
    make bench QUICK=1    # smaller sizes: about a quarter of the time, figures a little noisier

Each bench creates and migrates a fresh database of its own and listens on free local ports
(bench/_database.py), so it needs nothing but PostgreSQL and Redis. A bench that fails is
reported as failed with its last lines and the others still run. Every figure of the run is
appended to bench/history.csv (committed: the history is the project's) with the date, the
commit, the machine and the load average at the time; docs/benchmarks.md shows the run's table
against the targets and docs/benchmarks-history.svg charts each target figure over time, as a
share of its target.
"""

import argparse
import csv
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "bench" / "history.csv"
REPORT = ROOT / "docs" / "benchmarks.md"
CHART = ROOT / "docs" / "benchmarks-history.svg"
HISTORY_FIELDS = ["date", "commit", "mode", "machine", "bench", "figure", "value", "load_avg"]


@dataclass(frozen=True)
class Target:
    figure: str
    op: str  # ">=", "<=", "<", "==" (a number) or "is" (a word)
    value: float | str

    def met(self, seen: str) -> bool:
        if self.op == "is":
            return seen == self.value
        number = float(seen)
        return {
            ">=": number >= self.value,
            "<=": number <= self.value,
            "<": number < self.value,
            "==": number == self.value,
        }[self.op]

    def share(self, seen: str) -> float | None:
        """How far the figure is towards its target (1.0 = just met), for the chart."""
        if self.op not in (">=", "<=", "<") or not self.value:
            return None
        number = float(seen)
        if self.op == ">=":
            return number / self.value
        return self.value / number if number else None

    def text(self) -> str:
        return f"{self.op} {self.value}" if self.op != "is" else f"= {self.value}"


@dataclass(frozen=True)
class Bench:
    script: str
    full: list[str]
    quick: list[str]
    targets: tuple[Target, ...]
    timeout_s: int = 1800


BENCHES = [
    Bench(
        "payments.py",
        [],
        ["--payers-per-thread", "20", "--orders-per-payer", "5", "--pgbench-seconds", "8"],
        (
            Target("payments_per_s_spread", ">=", 500),
            Target("hot_ratio", ">=", 0.8),
            Target("ledger_verify", "is", "ok"),
            Target("payments_over_tpcb", ">=", 0.2),
        ),
    ),
    Bench(
        "flash_sale.py",
        [],
        ["--buyers", "600"],
        (
            Target("oversold", "==", 0),
            Target("orders_paid", "==", 100),
            Target("ledger_verify", "is", "ok"),
            Target("checkouts_per_s", ">=", 300),
            Target("p99_ms", "<", 1000),
        ),
    ),
    Bench(
        "loyalty.py",
        [],
        ["--members", "20000", "--earns", "600"],
        (Target("earn_per_s", ">=", 500), Target("verify_ok", "is", "True")),
    ),
    Bench(
        "messaging.py",
        [],
        ["--messages", "1000"],
        (
            Target("messages_per_s", ">=", 300),
            Target("delivery_p99_ms", "<", 250),
            Target("lost", "==", 0),
            Target("duplicated", "==", 0),
            Target("lost_after_sync", "==", 0),
        ),
    ),
    Bench(
        "live.py",
        [],
        ["--viewers", "500", "--seconds", "10", "--buyers", "100"],
        (Target("comment_delivery_p99_ms", "<", 1000), Target("deal_oversold", "==", 0)),
    ),
    Bench(
        "broadcast.py",
        [],
        ["--followers", "100000"],
        (Target("publish_ratio", "<=", 2), Target("first_read_ms_1m", "<", 50)),
    ),
    Bench("miniprograms_login.py", [], ["100"], ()),
    Bench(  # needs the built app (make web-build) and Debian's Chromium (CHROMIUM)
        "web.py",
        [],
        [],
        (
            Target("first_screen_js_gzip_kb", "<=", 200),
            Target("lighthouse_performance", ">=", 90),
            Target("lighthouse_accessibility", ">=", 95),
            Target("send_to_render_p95_ms", "<", 300),
        ),
        timeout_s=600,
    ),
]


def figures_of(output: str) -> dict[str, str]:
    """The ``name=value`` lines a bench printed (its log lines are JSON and are skipped)."""
    found = {}
    for line in output.splitlines():
        match = re.fullmatch(r"([a-z][a-z0-9_]*)=(\S.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def run_bench(bench: Bench, quick: bool) -> tuple[dict[str, str], str, float]:
    """(figures, failure or "", seconds) of one bench run."""
    command = [sys.executable, str(ROOT / "bench" / bench.script)]
    command += bench.quick if quick else bench.full
    print(f"==> {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=bench.timeout_s,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )
    except subprocess.TimeoutExpired:
        return {}, f"timed out after {bench.timeout_s} s", time.monotonic() - started
    seconds = time.monotonic() - started
    figures = figures_of(done.stdout)
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return figures, f"exit {done.returncode}: {' / '.join(tail)}", seconds
    return figures, "", seconds


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = names[0].strip() if names else model
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f", {kib / 2**20:.0f} GiB"
    return f"{os.cpu_count()} cores {model}{memory}, {platform.system()} {platform.release()}"


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}+changes" if dirty else head or "unknown"


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def history_append(rows: list[dict]) -> None:
    new = not HISTORY.exists()
    with HISTORY.open("a", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HISTORY_FIELDS)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def history_rows() -> list[dict]:
    if not HISTORY.exists():
        return []
    with HISTORY.open(newline="") as rows:
        return list(csv.DictReader(rows))


def chart_write(rows: list[dict]) -> None:
    """One line per target figure: its value as a share of the target over the runs (1.0 =
    met; above is better)."""
    import pygal

    targets = {(b.script, t.figure): t for b in BENCHES for t in b.targets}
    runs = sorted({(row["date"], row["commit"]) for row in rows})
    chart = pygal.Line(
        title="Bench figures as a share of their targets (1.0 = target met)",
        x_label_rotation=30,
        show_minor_x_labels=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        width=1000,
        height=560,
        range=(0, 3),
        secondary_range=(0, 3),
    )
    chart.x_labels = [f"{date[:16]} {sha}" for date, sha in runs]
    for (script, figure), target in targets.items():
        by_run = {
            (row["date"], row["commit"]): row["value"]
            for row in rows
            if row["bench"] == script and row["figure"] == figure
        }
        shares = []
        for run in runs:
            seen = by_run.get(run)
            share = target.share(seen) if seen not in (None, "") else None
            shares.append(None if share is None else round(min(share, 3), 2))
        if any(share is not None for share in shares):
            chart.add(f"{script.removesuffix('.py')} {figure} ({target.text()})", shares)
    chart.add("target", [1.0] * len(runs), stroke_style={"dasharray": "6, 4"}, show_dots=False)
    chart.render_to_file(str(CHART))


def report_write(results: list[tuple[Bench, dict, str, float, str]], header: dict) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run_all.py); do not edit by hand. Each bench's page in",
        "docs/ explains what it measures; bench/history.csv keeps every run's figures.",
        "",
        f"- date: {header['date']} UTC",
        f"- commit: `{header['commit']}`",
        f"- mode: {header['mode']}",
        f"- machine: {header['machine']}",
        f"- PostgreSQL and Redis: on the same machine; load average before the run"
        f" {header['load_before']}, after {header['load_after']}",
        "",
        "| bench | figure | value | target | met |",
        "|---|---|---|---|---|",
    ]
    for bench, figures, failure, seconds, load in results:
        name = bench.script.removesuffix(".py")
        if failure:
            lines.append(f"| {name} | **failed** after {seconds:.0f} s | {failure} | | no |")
        targets = {t.figure: t for t in bench.targets}
        for figure, value in figures.items():
            target = targets.get(figure)
            if target is None:
                lines.append(f"| {name} | {figure} | {value} | | |")
                continue
            met = "yes" if target.met(value) else "**no**"
            lines.append(f"| {name} | **{figure}** | {value} | {target.text()} | {met} |")
        for figure, target in targets.items():
            if figure not in figures:
                lines.append(f"| {name} | **{figure}** | missing | {target.text()} | **no** |")
        lines.append(f"| {name} | (run) | {seconds:.0f} s, load average after {load} | | |")
    lines += [
        "",
        "## History",
        "",
        "Every target figure over the recorded runs, as a share of its target (1.0 = met,",
        "higher is better; capped at 3). Figures depend on the machine and on what else ran on",
        "it (the load average is recorded with each run): compare runs of one sitting.",
        "",
        "![bench history](benchmarks-history.svg)",
        "",
    ]
    REPORT.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a shorter run")
    parser.add_argument("--only", nargs="*", help="bench scripts to run (default: all)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    header = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": commit(),
        "mode": "quick" if args.quick else "full",
        "machine": machine(),
        "load_before": load_average(),
    }
    chosen = [b for b in BENCHES if not args.only or b.script.removesuffix(".py") in args.only]
    results = []
    for bench in chosen:
        figures, failure, seconds = run_bench(bench, args.quick)
        load = load_average()
        print(f"    {bench.script}: {failure or 'ok'} in {seconds:.0f} s, load {load}", flush=True)
        for figure, value in figures.items():
            print(f"    {figure}={value}")
        results.append((bench, figures, failure, seconds, load))
        report_write(results, {**header, "load_after": load})  # a stopped run keeps its part
        history_append(
            [
                {
                    "date": header["date"],
                    "commit": header["commit"],
                    "mode": header["mode"],
                    "machine": header["machine"],
                    "bench": bench.script,
                    "figure": figure,
                    "value": value,
                    "load_avg": load,
                }
                for figure, value in figures.items()
            ]
        )
    header["load_after"] = load_average()
    report_write(results, header)
    chart_write(history_rows())
    print(
        f"==> wrote {REPORT.relative_to(ROOT)}, {CHART.relative_to(ROOT)}; appended to "
        f"{HISTORY.relative_to(ROOT)}"
    )
    if any(failure for _, _, failure, _, _ in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
