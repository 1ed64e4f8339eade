"""Where one payment's CPU goes: ``payorder_confirm`` in one thread of one process, nothing else
running in it, after a warm-up, against a fresh PostgreSQL database (bench/_database.py) that
has a history of payments (``pay_history`` of bench/payments.py).

    DATABASE_URL=postgres://... .venv/bin/python bench/payments_profile.py [--payments 2000]
        [--warmup 200] [--raw] [--cprofile FILE]

Prints ``python_cpu_ms=`` (``time.process_time`` of this process) and ``postgres_cpu_ms=`` (its
backend's time on a CPU, /proc/<pid>/schedstat) per timed payment, and ``least_python_cpu_ms=``,
``least_postgres_cpu_ms=``, ``least_both_cpu_ms=``: the same for the quietest batch of 100
payments, the figures to compare on a machine shared with others (their load inflates every
CPU figure, and the least batch least), ``wal_bytes_per_payment=``, the write-ahead log the
cluster wrote meanwhile, from a checkpoint (what the payments wrote when nothing else writes),
and ``payorder_hot_share=``, the share of pay order updates that wrote no index entry. Same
set-up and environment as bench/payments.py, whose helpers it uses; ``--raw`` times that
bench's raw psycopg path instead; ``--cprofile FILE``
writes a cProfile of the timed payments (``python -m pstats FILE``; ``py-spy record --gil``
on this script gives a sampled view without cProfile's per-call cost). One thread alone is not
the bench's 8 threads in 2 processes (no lock waits, no GIL contention, which is why a change
is confirmed with bench/payments.py too): it tells changes apart, quickly.
"""

import argparse
import cProfile
import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from _cpu import scheduled_cpu_s  # noqa: E402
from _database import analyze, fresh_database  # noqa: E402

fresh_database("payments_profile")
# the bench module sets its environment (locmem cache, no Celery, no daily limit) on import
_spec = importlib.util.spec_from_file_location("payments_bench", HERE / "payments.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from payments import ledger  # noqa: E402
from payments.models import Account  # noqa: E402

BATCH = 100


def wal_position() -> str:
    """Where the log is, right after a checkpoint: each page the payments touch first then
    costs one full-page image, the same in every run (unless another checkpoint comes)."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT pg_current_wal_lsn()")
        return cursor.fetchone()[0]


def wal_since(position: str) -> int:
    """Bytes of write-ahead log the cluster wrote since ``position``: the payments' rows, index
    entries, row locks and full-page images, plus whatever else wrote meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [position])
        return int(cursor.fetchone()[0])


def payorder_hot_share() -> float:
    """The share of pay order updates that wrote no index entry (heap-only, migration 0011)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # a new transaction sees the flushed counters
        cursor.execute(
            "SELECT n_tup_hot_upd::float / greatest(n_tup_upd, 1) FROM pg_stat_user_tables"
            " WHERE relname = 'payments_payorder'"
        )
        return cursor.fetchone()[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--raw", action="store_true", help="the raw psycopg path instead")
    parser.add_argument("--cprofile", help="write a cProfile of the timed payments here")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    per_payer = 10
    merchants = bench.make_merchants(10, "prof")
    payers = bench.make_payers(
        (args.payments + args.warmup) // per_payer + 1,
        "prof",
        bench.AMOUNT * (per_payer + bench.HISTORY),
    )
    for shard in range(settings.PAYMENTS_HOT_ACCOUNT_SHARDS):
        ledger.platform_account(kind=Account.Kind.FEES, currency="EUR", shard=shard)
        for merchant in merchants:
            ledger.merchant_account(
                organisation_id=merchant.organisation_id, currency="EUR", shard=shard
            )
    bench.pay_history(payers, merchants, "prof")
    queues = bench.make_orders(payers, merchants, per_payer, "prof", "p")
    items = [item for queue in queues for item in queue][: args.warmup + args.payments]
    analyze()
    if args.raw:
        confirm, backend_pid = bench.raw_sql_confirm_factory(bench.libpq_dsn())
    else:
        confirm, backend_pid = bench.orm_confirm, bench.orm_backend_pid
    for payer, prepay_id in items[: args.warmup]:
        confirm(payer, prepay_id)
    pid = backend_pid()
    profile = cProfile.Profile(time.process_time) if args.cprofile else None
    wal_start = wal_position()
    timed = items[args.warmup :]
    batches = []  # (python, postgres) CPU seconds of each batch of BATCH payments
    if profile:
        profile.enable()
    for start in range(0, len(timed), BATCH):
        backend, python = scheduled_cpu_s(pid), time.process_time()
        for payer, prepay_id in timed[start : start + BATCH]:
            confirm(payer, prepay_id)
        batches.append((time.process_time() - python, scheduled_cpu_s(pid) - backend))
    if profile:
        profile.disable()
    count = len(timed)
    wal_bytes = wal_since(wal_start)
    python, backend = (sum(batch[side] for batch in batches) for side in (0, 1))
    print(f"payments={count}")
    print(f"python_cpu_ms={python * 1000 / count:.3f}")
    print(f"postgres_cpu_ms={backend * 1000 / count:.3f}")
    # the quietest batch: what the machine's neighbours added least to
    for label, key in (("python", 0), ("postgres", 1), ("both", None)):
        least = min(sum(batch) if key is None else batch[key] for batch in batches)
        print(f"least_{label}_cpu_ms={least * 1000 / BATCH:.3f}")
    print(f"wal_bytes_per_payment={wal_bytes / count:.0f}")
    print(f"payorder_hot_share={payorder_hot_share():.2f}")
    print(f"load_avg={'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        profile.dump_stats(args.cprofile)


if __name__ == "__main__":
    main()
