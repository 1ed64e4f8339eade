"""Pay-order confirmation throughput on PostgreSQL: spread over 100 merchants vs one hot merchant,
and the same SQL shape as raw psycopg statements without Django.

    DATABASE_URL=postgres://... .venv/bin/python bench/payments.py [--threads 8] [--processes 2]

The ``--threads`` are shared by ``--processes`` processes (default 2, one per core): one Python
process runs Python on one core at a time, and Plaza's servers run as several processes.

Prints ``payments_per_s_spread=``, ``payments_per_s_hot=``, ``hot_ratio=`` (hot/spread),
``ledger_verify=ok``, ``raw_sql_per_s=`` and ``orm_ratio=`` (ORM spread / raw).

What is measured: ``payments.services.payorder_confirm`` end to end (pay order lock, PIN check
with the production keyed HMAC, daily limit, double-entry posting, domain event, webhook outbox
row). Not measured: webhook delivery (a Celery worker does it after commit; here tasks go to an
in-memory broker).
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ["REDIS_URL"] = ""  # locmem cache, in-memory broker: nothing leaves the process
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
# setup speed only: the 100 merchants' app secrets are hashed with the password hasher
os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"
os.environ["PAYMENTS_DAILY_OUTGOING_LIMIT"] = str(10**12)

import django

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from miniprograms import services as mp_services  # noqa: E402
from payments import ledger, pins, selectors, services  # noqa: E402
from payments.gateways import SandboxGateway  # noqa: E402
from payments.models import Account, WalletSecurity  # noqa: E402
from superapp.accounts.models import User  # noqa: E402

PIN = "123456"
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


def split(queues, threads: int):
    """Give each thread whole payers, so threads never share a payer's wallet. Items are
    (payer id, prepay id): they cross into the worker processes."""
    return [[(p.pk, prepay) for q in queues[t::threads] for p, prepay in q] for t in range(threads)]


def run_workers(work, action: str, processes: int) -> float:
    """Run the threads' work lists in ``processes`` spawned processes (each its own Django,
    connection pool and GIL, as server processes are), every thread starting at one signal.
    Returns the seconds from that signal until the last thread finished."""
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
    return max(outcomes) - started


def worker_process(work, action: str, barrier, results) -> None:
    """One process: its threads wait for the common signal, run their items, and the process
    reports when its last thread finished (or the first error)."""
    confirm = orm_confirm if action == "orm" else raw_sql_confirm_factory(libpq_dsn())
    payers = User.objects.in_bulk({payer for items in work for payer, _ in items})
    start = threading.Event()
    errors = []

    def run(items):
        try:
            start.wait()
            for payer, prepay_id in items:
                confirm(payers[payer], prepay_id)
        except Exception as exc:  # reported to the parent: a bench must not hide failures
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(items,)) for items in work]
    for thread in threads:
        thread.start()
    barrier.wait()
    start.set()
    for thread in threads:
        thread.join()
    results.put(errors[0] if errors else time.time())


def orm_confirm(payer, prepay_id):
    services.payorder_confirm(actor=payer, prepay_id=prepay_id, pin=PIN)


def raw_sql_confirm_factory(dsn: str):
    """The same statements payorder_confirm issues, written by hand, one connection per thread."""
    local = threading.local()
    shards = settings.PAYMENTS_HOT_ACCOUNT_SHARDS
    fee_bps = settings.PAYMENTS_MERCHANT_FEE_BPS

    def account_id(cur, kind, currency, shard, user_id=None, organisation_id=None):
        cur.execute(
            "SELECT id FROM payments_account WHERE kind = %s AND currency = %s AND shard = %s"
            " AND user_id IS NOT DISTINCT FROM %s AND organisation_id IS NOT DISTINCT FROM %s"
            " AND NOT sandbox",
            (kind, currency, shard, user_id, organisation_id),
        )
        row = cur.fetchone()
        if row:
            return row[0]
        cur.execute(
            "INSERT INTO payments_account (kind, currency, shard, sandbox, balance, user_id,"
            " organisation_id, created_at) VALUES (%s, %s, %s, false, 0, %s, %s, now())"
            " RETURNING id",
            (kind, currency, shard, user_id, organisation_id),
        )
        return cur.fetchone()[0]

    def confirm(payer, prepay_id):
        if not hasattr(local, "conn"):
            # client-side binding, as Django's backend does
            local.conn = psycopg.connect(dsn, cursor_factory=psycopg.ClientCursor)
        conn = local.conn
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                "SELECT p.id, p.amount, p.currency, p.organisation_id, p.status, p.expires_at,"
                " p.out_trade_no, p.notify_url, m.app_id, m.id FROM payments_payorder p"
                " JOIN miniprograms_miniprogram m ON m.id = p.miniprogram_id"
                " WHERE p.prepay_id = %s AND p.payer_id = %s FOR UPDATE OF p",
                (prepay_id, payer.pk),
            )
            order_id, amount, currency, org_id, _, _, trade_no, url, app_id, mp_id = cur.fetchone()
            cur.execute(
                "SELECT pin_hash FROM payments_walletsecurity WHERE user_id = %s", (payer.pk,)
            )
            cur.fetchone()
            fee = amount * fee_bps // 10_000
            wallet = account_id(cur, "user_wallet", currency, 0, payer.pk)
            cur.execute("SELECT balance FROM payments_account WHERE id = %s FOR UPDATE", (wallet,))
            wallet_balance = cur.fetchone()[0]
            start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            cur.execute(
                "SELECT COALESCE(SUM(p.amount), 0) FROM payments_posting p"
                " JOIN payments_journaltransaction t ON t.id = p.transaction_id"
                " WHERE p.account_id = %s AND p.amount < 0 AND p.created_at >= %s"
                " AND t.type = ANY(%s)",
                (wallet, start, list(OUTGOING)),
            )
            cur.fetchone()
            now = datetime.now(UTC)
            cur.execute(
                "UPDATE payments_payorder SET status = 'paid', fee = %s, paid_at = %s"
                " WHERE id = %s",
                (fee, now, order_id),
            )
            payload = {"prepay_id": prepay_id, "app_id": app_id, "organisation_id": org_id}
            cur.execute(
                "INSERT INTO core_domainevent (type, payload, created_at)"
                " VALUES ('payments.payorder_paid', %s, %s)",
                (json.dumps(payload), now),
            )
            cur.execute(
                "SELECT openid FROM miniprograms_appidentity WHERE miniprogram_id = %s"
                " AND user_id = %s",
                (mp_id, payer.pk),
            )
            cur.fetchone()
            cur.execute(
                "SELECT webhook_secret FROM payments_merchantkey WHERE organisation_id = %s",
                (org_id,),
            )
            secret = (cur.fetchone() or ["raw-bench-secret"])[0]
            cur.execute(
                "INSERT INTO webhooks_webhookdelivery (owner, url, secret, event_id, event_type,"
                " body, status, attempts, next_attempt_at, expires_at, created_at) VALUES"
                " (%s, %s, %s, %s, 'payment.succeeded', %s, 'pending', 0, %s, %s, %s)",
                (
                    f"organisation:{org_id}",
                    url,
                    secret,
                    str(uuid.uuid4()),
                    json.dumps({**payload, "out_trade_no": trade_no}),
                    now,
                    now + timedelta(hours=24),
                    now,
                ),
            )
            merchant = account_id(cur, "merchant", currency, random.randrange(shards), None, org_id)
            fees = account_id(cur, "fees", currency, random.randrange(shards))
            deltas = {wallet: -amount, merchant: amount - fee, fees: fee}
            deltas = {k: v for k, v in deltas.items() if v}
            ids = sorted(deltas)
            cur.execute(
                "INSERT INTO payments_journaltransaction (type, reference, actor_id, created_at)"
                " VALUES ('payment', %s, %s, %s) RETURNING id",
                (f"payorder:{prepay_id}", payer.pk, now),
            )
            journal_id = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO payments_posting (transaction_id, account_id, amount, currency,"
                " created_at) VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(ids)),
                [v for pk in ids for v in (journal_id, pk, deltas[pk], currency, now)],
            )
            hot = sorted(set(ids) - {wallet})  # the hot shards: locked last, held until commit
            cur.execute(
                "SELECT id, balance FROM payments_account WHERE id = ANY(%s)"
                " ORDER BY id FOR UPDATE",
                (hot,),
            )
            balances = {wallet: wallet_balance, **dict(cur.fetchall())}
            cur.execute(
                "UPDATE payments_account SET balance = CASE id "
                + " ".join(f"WHEN {pk} THEN %s" for pk in ids)
                + " END WHERE id = ANY(%s)",
                [balances[pk] + deltas[pk] for pk in ids] + [ids],
            )

    return confirm


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--payers-per-thread", type=int, default=25)
    parser.add_argument("--orders-per-payer", type=int, default=8)
    parser.add_argument(
        "--processes", type=int, default=2, help="processes sharing the threads (one per core)"
    )
    args = parser.parse_args()
    if not settings.IS_POSTGRES:
        raise SystemExit("bench/payments.py needs DATABASE_URL pointing at PostgreSQL")
    call_command("migrate", verbosity=0)
    threads, payers_count = args.threads, args.threads * args.payers_per_thread
    per_payer = args.orders_per_payer
    run = uuid.uuid4().hex[:6]
    balance = AMOUNT * per_payer * 3

    print(
        f"# setup: {threads} threads in {args.processes} processes, {payers_count} payers,"
        f" {per_payer} orders each per phase"
    )
    merchants = make_merchants(100, run)
    hot = [merchants[0]]
    payers = make_payers(payers_count, run, balance)
    for merchant in merchants:  # the hot merchant's shards exist before the clock starts
        for shard in range(settings.PAYMENTS_HOT_ACCOUNT_SHARDS):
            ledger.merchant_account(
                organisation_id=merchant.organisation_id, currency="EUR", shard=shard
            )
    spread = make_orders(payers, merchants, per_payer, run, "spread")
    hot_orders = make_orders(payers, hot, per_payer, run, "hot")
    raw_orders = make_orders(payers, merchants, per_payer, run, "raw")
    count = payers_count * per_payer

    spread_rate = count / run_workers(split(spread, threads), "orm", args.processes)
    hot_rate = count / run_workers(split(hot_orders, threads), "orm", args.processes)
    raw_rate = count / run_workers(split(raw_orders, threads), "raw", args.processes)

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
    if not report.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
