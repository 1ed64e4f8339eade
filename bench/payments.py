"""Pay-order confirmation throughput on PostgreSQL: spread over 100 merchants vs one hot merchant,
and the same SQL shape as raw psycopg statements without Django.

    DATABASE_URL=postgres://... .venv/bin/python bench/payments.py [--threads 8] [--processes 2]

It runs in a fresh database of its own next to ``DATABASE_URL``'s (bench/_database.py), dropped
at the end. The set-up funds the payers and pays ``HISTORY`` orders of each before the
planner's statistics are taken (``pay_history``), so that the timed phases run against a
database in use rather than empty history tables.

The ``--threads`` are shared by ``--processes`` processes (default 2, one per core): one Python
process runs Python on one core at a time, and Plaza's servers run as several processes.

Prints ``payments_per_s_spread=``, ``payments_per_s_hot=``, ``hot_ratio=`` (hot/spread),
``ledger_verify=ok``, ``raw_sql_per_s=`` and ``orm_ratio=`` (ORM spread / raw), the CPU
milliseconds one timed payment costs, spread phase and raw path, in Python (``time.process_time``
of the worker processes) and in PostgreSQL (the threads' backends, from ``/proc/<pid>/stat``):
``payment_python_cpu_ms=``, ``payment_postgres_cpu_ms=``, ``raw_sql_python_cpu_ms=``,
``raw_sql_postgres_cpu_ms=`` and their sum for the service, ``payment_cpu_ms=`` (figures that
do not depend on what else the machine runs: 2 cores reach at most 2,000 / ``payment_cpu_ms``
payments per second), then the
physical ceiling of the same PostgreSQL: ``pgbench_tps=``, pgbench's built-in TPC-B-like script
(a debit/credit transaction: five statements, one commit) with as many clients as the bench has
threads, and ``payments_over_tpcb=`` (payments spread / pgbench). pgbench runs half its
``--pgbench-seconds`` right before the spread payments and half right after
(``pgbench_tps_before=``, ``pgbench_tps_after=``; ``pgbench_tps=`` is their mean), so that the
ratio compares both on the machine as it was while the payments ran: on a host shared with
others the speed of both drifts by a third within minutes. pgbench comes with PostgreSQL's
client package (``make bench`` installs it on Debian); ``--pgbench-seconds 0`` skips it.

What is measured: ``payments.services.payorder_confirm`` end to end (pay order lock, PIN check
with the production keyed HMAC, daily limit, double-entry posting, domain event, webhook outbox
row, the outbox wake-ups after commit). Not measured: webhook delivery and the domain-event
listeners (a Celery worker runs them after commit; here the broker is in memory and nothing
consumes it). The raw path sends the service's statements, written out by hand, through
psycopg with the same server-side binding and prepared statements as Django's connection.
"""

import argparse
import contextlib
import glob
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
if __name__ == "__main__":  # spawned workers inherit the URL of the parent's fresh database
    from _database import fresh_database

    fresh_database("payments_bench")
os.environ["REDIS_URL"] = ""  # locmem cache, in-memory broker: nothing leaves the process
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
# setup speed only: the 100 merchants' app secrets are hashed with the password hasher
os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"
os.environ["PAYMENTS_DAILY_OUTGOING_LIMIT"] = str(10**12)

import django

django.setup()

import psycopg  # noqa: E402
from _database import analyze  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from miniprograms import services as mp_services  # noqa: E402
from payments import ledger, pins, selectors, services  # noqa: E402
from payments.gateways import SandboxGateway  # noqa: E402
from payments.models import Account, WalletSecurity  # noqa: E402
from superapp.accounts.models import User  # noqa: E402

PIN = "123456"
WARMUP = 10  # payments per thread before the clock starts
HISTORY = 2  # payments per payer before the statistics, untimed: a database in use
AMOUNT = 1000
OUTGOING = ("withdrawal", "transfer", "payment", "red_packet_hold")


def make_merchants(count: int, run: str):
    owner = User.objects.create(username=f"bench-owner-{run}")
    merchants = []
    for index in range(count):
        organisation = mp_services.organisation_create(actor=owner, name=f"Bench {index}")
        miniprogram, _ = mp_services.miniprogram_register(
            actor=owner, organisation=organisation, name=f"Bench shop {index}"
        )
        merchants.append(miniprogram)
    return merchants


def make_payers(count: int, run: str, balance: int) -> list[User]:
    users = User.objects.bulk_create(
        User(username=f"bench-{run}-{i}", display_name="Bench payer") for i in range(count)
    )
    pin_hash = pins.pin_hash(PIN)
    WalletSecurity.objects.bulk_create(WalletSecurity(user=u, pin_hash=pin_hash) for u in users)
    for user in users:  # money enters through the real top-up path
        order = services.topup_create(actor=user, amount=balance, currency="EUR")
        body, signature = SandboxGateway.callback_build(
            reference=order.reference,
            kind="topup",
            outcome="succeeded",
            amount=balance,
            currency="EUR",
        )
        services.gateway_callback_receive(body=body, signature=signature)
    return users


def make_orders(payers, merchants, per_payer: int, run: str, label: str):
    """Orders grouped by payer; payer i pays merchants round-robin."""
    queues = []
    for i, payer in enumerate(payers):
        queue = []
        for j in range(per_payer):
            miniprogram = merchants[(i * per_payer + j) % len(merchants)]
            mp_services.identity_for(miniprogram=miniprogram, user=payer)
            order, _ = services.payorder_create(
                miniprogram=miniprogram,
                payer=payer,
                out_trade_no=f"{run}-{label}-{i}-{j}",
                amount=AMOUNT,
                currency="EUR",
                description="Flash sale",
                notify_url="https://merchant.example/notify",
            )
            queue.append((payer, order.prepay_id))
        queues.append(queue)
    return queues


def pay_history(payers, merchants, run: str) -> None:
    """Pay ``HISTORY`` orders per payer in the set-up, before the planner's statistics are taken,
    so that the timed connections plan their statements, and the foreign-key checks of their
    triggers, against tables of the shape a database in use has. On empty history tables
    PostgreSQL rightly plans sequential scans, and a connection keeps those cached plans while
    the timed payments grow the tables tenfold (docs/payments.md, "A fresh database is not one
    in use")."""
    for queue in make_orders(payers, merchants, HISTORY, run, "history"):
        for payer, prepay_id in queue:
            services.payorder_confirm(actor=payer, prepay_id=prepay_id, pin=PIN)


def split(queues, threads: int):
    """Give each thread whole payers, so threads never share a payer's wallet. Items are
    (payer id, prepay id): they cross into the worker processes."""
    return [[(p.pk, prepay) for q in queues[t::threads] for p, prepay in q] for t in range(threads)]


def run_workers(work, action: str, processes: int) -> tuple[float, float, float]:
    """Run the threads' work lists in ``processes`` spawned processes (each its own Django,
    connection pool and GIL, as server processes are), every thread starting at one signal.
    Returns the seconds from that signal until the last thread finished, and the CPU seconds
    the timed payments cost in Python (the processes) and in PostgreSQL (the threads'
    backends): figures that do not depend on what else the machine runs."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    children = [
        context.Process(target=worker_process, args=(work[i::processes], action, barrier, results))
        for i in range(processes)
    ]
    for child in children:
        child.start()
    barrier.wait()
    started = time.time()
    outcomes = [results.get() for _ in children]
    for child in children:
        child.join()
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    if failures:
        raise SystemExit(f"bench failed: {failures[0]}")
    finished = max(finish for finish, _, _ in outcomes)
    python = sum(cpu for _, cpu, _ in outcomes)
    postgres = sum(cpu for _, _, cpu in outcomes)
    return finished - started, python, postgres


def worker_process(work, action: str, barrier, results) -> None:
    """One process: its threads pay their first ``WARMUP`` items (connections opened,
    statements prepared, code warm), wait for the common signal, run the rest, and the process
    reports when its last thread finished and the CPU seconds of the timed part, its own and
    its threads' PostgreSQL backends' (or the first error)."""
    if action == "orm":
        confirm, backend_pid = orm_confirm, orm_backend_pid
    else:
        confirm, backend_pid = raw_sql_confirm_factory(libpq_dsn())
    payers = User.objects.in_bulk({payer for items in work for payer, _ in items})
    warm = threading.Barrier(len(work) + 1)
    start = threading.Event()
    errors = []
    backend_cpu = []  # per thread: its backend's CPU seconds during the timed part

    def run(items):
        try:
            for payer, prepay_id in items[:WARMUP]:
                confirm(payers[payer], prepay_id)
            pid = backend_pid()
            before = backend_cpu_s(pid)
            warm.wait()
            start.wait()
            for payer, prepay_id in items[WARMUP:]:
                confirm(payers[payer], prepay_id)
            backend_cpu.append(backend_cpu_s(pid) - before)
        except Exception as exc:  # reported to the parent: a bench must not hide failures
            errors.append(repr(exc))
            warm.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(items,)) for items in work]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a thread failed: reported below
        warm.wait()
    barrier.wait()
    python = time.process_time()
    start.set()
    for thread in threads:
        thread.join()
    python = time.process_time() - python
    results.put(errors[0] if errors else (time.time(), python, sum(backend_cpu)))


def backend_cpu_s(pid: int) -> float:
    """CPU seconds the PostgreSQL backend ``pid`` has used (PostgreSQL runs on this host: its
    /proc entry is readable)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def orm_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def orm_confirm(payer, prepay_id):
    services.payorder_confirm(actor=payer, prepay_id=prepay_id, pin=PIN)


LOCK_ORDER = (  # the pay order, locked, with what paying it needs and its three accounts
    "SELECT o.id, o.amount, o.currency, o.organisation_id, o.status, o.expires_at, o.sandbox,"
    " o.out_trade_no, o.payer_openid, o.notify_url, o.prepay_id, m.app_id, s.id, s.pin_hash,"
    " k.webhook_secret, am.id, af.id, aw.id FROM payments_payorder o"
    " JOIN miniprograms_miniprogram m ON m.id = o.miniprogram_id"
    " LEFT JOIN payments_walletsecurity s ON s.user_id = o.payer_id"
    " LEFT JOIN payments_merchantkey k ON k.organisation_id = o.organisation_id"
    " LEFT JOIN payments_account am ON am.kind = 'merchant'"
    " AND am.organisation_id = o.organisation_id AND am.currency = o.currency"
    " AND am.sandbox = o.sandbox AND am.shard = %s"
    " LEFT JOIN payments_account af ON af.kind = 'fees' AND af.organisation_id IS NULL"
    " AND af.user_id IS NULL AND af.currency = o.currency AND af.sandbox = o.sandbox"
    " AND af.shard = %s"
    " LEFT JOIN payments_account aw ON aw.kind = 'user_wallet' AND aw.user_id = o.payer_id"
    " AND aw.currency = o.currency AND aw.sandbox = o.sandbox"
    " WHERE o.prepay_id = %s AND o.payer_id = %s FOR UPDATE OF o"
)
MARK_PAID = "UPDATE payments_payorder SET status = %s, fee = %s, paid_at = %s WHERE id = %s"
EMIT = (  # the domain event and its two deliveries
    "w1 AS (INSERT INTO core_domainevent (type, payload, created_at)"
    " VALUES (%s, %s, %s) RETURNING id),"
    " w1_children AS (INSERT INTO core_domaineventdelivery (event_id, handler)"
    " SELECT w1.id, v.handler FROM w1, (VALUES (%s), (%s)) AS v(handler))"
)
NOTIFY = (  # the merchant's notification
    "w2 AS (INSERT INTO webhooks_webhookdelivery (owner, url, secret, event_id, event_type, body,"
    " status, attempts, next_attempt_at, expires_at, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id)"
)
SPENT = "(CASE WHEN outgoing_day = day.today THEN outgoing_total ELSE 0 END - leg.delta)"
POST = (  # the journal transaction, its postings, the payment's other writes, the balances
    "WITH parent AS (INSERT INTO payments_journaltransaction (type, reference, actor_id,"
    " created_at) VALUES (%s, %s, %s, %s) RETURNING id),"
    " parent_children AS (INSERT INTO payments_posting (transaction_id, account_id, amount,"
    " currency, created_at) SELECT parent.id, v.account_id, v.amount, v.currency, v.created_at"
    " FROM parent, (VALUES (%s, %s, %s, %s), (%s, %s, %s, %s), (%s, %s, %s, %s))"
    " AS v(account_id, amount, currency, created_at)),"
    f" w0 AS ({MARK_PAID}), {EMIT}, {NOTIFY},"
    " leg(account_id, delta, counts) AS (VALUES (%s, %s, %s), (%s, %s, %s), (%s, %s, %s)),"
    " day(today, day_limit) AS (VALUES (%s, %s)),"
    " locked(locked_id) AS (SELECT id FROM payments_account"
    " WHERE id IN (SELECT account_id FROM leg)"
    " ORDER BY kind <> 'user_wallet', id FOR NO KEY UPDATE)"
    " UPDATE payments_account SET balance = balance + leg.delta,"
    f" outgoing_total = CASE WHEN leg.counts THEN {SPENT} ELSE outgoing_total END,"
    " outgoing_day = CASE WHEN leg.counts THEN day.today ELSE outgoing_day END"
    " FROM leg, day, locked WHERE id = leg.account_id AND locked_id = id"
    " AND (kind NOT IN ('user_wallet', 'merchant', 'red_packet_escrow')"
    " OR balance + leg.delta >= 0)"
    f" AND (NOT leg.counts OR {SPENT} <= day.day_limit) RETURNING id, (SELECT id FROM parent)"
)
HANDLERS = ("loyalty.handlers.on_payorder_paid", "miniprograms.shop.payment.on_payorder_paid")


def raw_sql_confirm_factory(dsn: str):
    """The statements ``payorder_confirm`` sends (``manage.py shell`` with
    ``CaptureQueriesContext`` shows them), written by hand on one psycopg connection per
    thread, bound server-side and prepared after five uses as Django's connection does.
    Returns the confirm function and one that gives the thread's backend pid."""
    local = threading.local()
    shards = settings.PAYMENTS_HOT_ACCOUNT_SHARDS
    limit = settings.PAYMENTS_DAILY_OUTGOING_LIMIT

    def conn():
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(dsn, prepare_threshold=5)
        return local.conn

    def confirm(payer, prepay_id):
        with conn().transaction(), local.conn.cursor() as cur:
            merchant_shard, fee_shard = random.randrange(shards), random.randrange(shards)
            cur.execute(LOCK_ORDER, (merchant_shard, fee_shard, prepay_id, payer.pk))
            (order_id, amount, currency, org_id, status, expires_at, _, trade_no, openid, url) = (
                row := cur.fetchone()
            )[:10]
            app_id, _, pin_hash, secret, merchant, fees, wallet = row[11:]
            now = datetime.now(UTC)
            if status != "pending" or expires_at <= now or not pins.pin_matches(PIN, pin_hash):
                raise RuntimeError(f"cannot pay {prepay_id}")
            fee = services.merchant_fee(amount)
            payload = {
                "prepay_id": prepay_id,
                "app_id": app_id,
                "organisation_id": org_id,
                "payer_user_id": payer.pk,
                "amount": amount,
                "currency": currency,
                "out_trade_no": trade_no,
                "paid_at": now.isoformat(),
            }
            event_id = uuid.uuid4()
            data = {"prepay_id": prepay_id, "out_trade_no": trade_no, "payer_openid": openid}
            body = {"id": str(event_id), "type": "payment.succeeded", "data": data}
            legs = [(wallet, -amount, True), (merchant, amount - fee, False), (fees, fee, False)]
            cur.execute(
                POST,
                ["payment", f"payorder:{prepay_id}", payer.pk, now]
                + [value for pk, delta, _ in legs for value in (pk, delta, currency, now)]
                + ["paid", fee, now, order_id]
                + ["payments.payorder_paid", json.dumps(payload), now, *HANDLERS]
                + [f"app:{app_id}", url, secret, event_id, "payment.succeeded", json.dumps(body)]
                + ["pending", 0, now, now + timedelta(hours=24), now]
                + [value for leg in legs for value in leg]
                + [now.date(), limit],
            )
            if len(cur.fetchall()) != len(legs):
                raise RuntimeError(f"refused {prepay_id}")

    return confirm, lambda: conn().info.backend_pid


def libpq_dsn() -> str:
    db = settings.DATABASES["default"]
    parts = {
        "dbname": db["NAME"],
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
        "host": db.get("HOST"),
        "port": db.get("PORT"),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def pgbench_path() -> str:
    found = shutil.which("pgbench") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None
    )
    if found is None:
        raise SystemExit("pgbench not found: apt-get install postgresql-client (or make bench)")
    return found


def pgbench_init(clients: int) -> None:
    """pgbench's own ``pgbench_*`` tables in the bench's database, scale = clients so that
    clients do not queue on one branch row."""
    subprocess.run(
        [pgbench_path(), "-i", "-q", "-s", str(clients), os.environ["DATABASE_URL"]],
        check=True,
        capture_output=True,
        text=True,
    )


def checkpoint() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def pgbench_tps(clients: int, threads: int, seconds: int) -> float:
    """TPC-B-like transactions per second on the bench's database (:func:`pgbench_init`),
    prepared statements as Plaza's connections use."""
    url = os.environ["DATABASE_URL"]
    pgbench = pgbench_path()
    workload = ["-n", "-M", "prepared", "-c", str(clients), "-j", str(threads), "-T", str(seconds)]
    run = subprocess.run(
        [pgbench, *workload, url],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(re.search(r"tps = ([0-9.]+)", run.stdout).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--payers-per-thread", type=int, default=50)
    parser.add_argument("--orders-per-payer", type=int, default=8)
    parser.add_argument(
        "--processes", type=int, default=2, help="processes sharing the threads (one per core)"
    )
    parser.add_argument(
        "--pgbench-seconds",
        type=int,
        default=16,
        help="pgbench's seconds, half before the spread payments and half after (0: none)",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    threads, payers_count = args.threads, args.threads * args.payers_per_thread
    per_payer = args.orders_per_payer
    run = uuid.uuid4().hex[:6]
    balance = AMOUNT * (per_payer * 3 + HISTORY)

    print(
        f"# setup: {threads} threads in {args.processes} processes, {payers_count} payers,"
        f" {per_payer} orders each per phase"
    )
    merchants = make_merchants(100, run)
    hot = [merchants[0]]
    payers = make_payers(payers_count, run, balance)
    for shard in range(settings.PAYMENTS_HOT_ACCOUNT_SHARDS):  # every shard exists before the
        ledger.platform_account(kind=Account.Kind.FEES, currency="EUR", shard=shard)  # clock
        for merchant in merchants:
            ledger.merchant_account(
                organisation_id=merchant.organisation_id, currency="EUR", shard=shard
            )
    print("# setup: payers funded; paying their history", flush=True)
    pay_history(payers, merchants, run)
    print("# setup: creating the pay orders", flush=True)
    spread = make_orders(payers, merchants, per_payer, run, "spread")
    hot_orders = make_orders(payers, hot, per_payer, run, "hot")
    raw_orders = make_orders(payers, merchants, per_payer, run, "raw")
    count = payers_count * per_payer - threads * WARMUP  # timed payments per phase
    analyze()
    print(f"# measuring: {count} payments per phase", flush=True)

    tpcb = []  # right before and right after the spread payments (the module's docstring)
    if args.pgbench_seconds:
        pgbench_init(threads)
        checkpoint()  # the set-up's writes flushed before either side is timed
        tpcb.append(pgbench_tps(threads, args.processes, args.pgbench_seconds // 2))
    spread_s, spread_python, spread_postgres = run_workers(
        split(spread, threads), "orm", args.processes
    )
    if args.pgbench_seconds:
        tpcb.append(pgbench_tps(threads, args.processes, args.pgbench_seconds // 2))
    hot_s, _, _ = run_workers(split(hot_orders, threads), "orm", args.processes)
    raw_s, raw_python, raw_postgres = run_workers(split(raw_orders, threads), "raw", args.processes)
    spread_rate, hot_rate, raw_rate = count / spread_s, count / hot_s, count / raw_s

    report = selectors.ledger_report()
    hot_shards = Account.objects.filter(organisation_id=hot[0].organisation_id).count()
    print(f"# hot merchant spread over {hot_shards} shards")
    print(f"threads={threads}")
    print(f"processes={args.processes}")
    print(f"payments_per_s_spread={spread_rate:.0f}")
    print(f"payments_per_s_hot={hot_rate:.0f}")
    print(f"hot_ratio={hot_rate / spread_rate:.2f}")
    print(f"ledger_verify={'ok' if report.ok else 'MISMATCH'}")
    print(f"raw_sql_per_s={raw_rate:.0f}")
    print(f"orm_ratio={spread_rate / raw_rate:.2f}")
    for label, python, postgres in (
        ("payment", spread_python, spread_postgres),
        ("raw_sql", raw_python, raw_postgres),
    ):
        print(f"{label}_python_cpu_ms={python * 1000 / count:.2f}")
        print(f"{label}_postgres_cpu_ms={postgres * 1000 / count:.2f}")
    cpu_ms = (spread_python + spread_postgres) * 1000 / count
    print(f"payment_cpu_ms={cpu_ms:.2f}")
    if tpcb:
        before, after = tpcb
        print(f"pgbench_tps_before={before:.0f}")
        print(f"pgbench_tps_after={after:.0f}")
        print(f"pgbench_tps={(before + after) / 2:.0f}")
        print(f"payments_over_tpcb={spread_rate / ((before + after) / 2):.2f}")
    print(f"load_avg={'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not report.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
