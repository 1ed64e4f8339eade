"""Loyalty at scale: 100,000 members with lots, then earning, the nightly expiry and a
3-filter segment query.

    DATABASE_URL=postgres://... .venv/bin/python bench/loyalty.py [--members N]

It runs in a fresh database of its own next to ``DATABASE_URL``'s (bench/_database.py), dropped
at the end. Prints ``name=value`` lines.
Measured figures are in docs/loyalty.md.
"""

import argparse
import contextlib
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django
from _database import fresh_database

fresh_database("loyalty_bench")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from loyalty import handlers, selectors, services  # noqa: E402
from loyalty.models import (  # noqa: E402
    Member,
    PointLot,
    Tag,
)
from miniprograms.shop.events import OrderLine, OrderPaid  # noqa: E402
from superapp.accounts.models import User  # noqa: E402
from superapp.official import services as official_services  # noqa: E402

TIERS = [
    {"name": "Member", "min_spend": 0, "multiplier_percent": 100},
    {"name": "Silver", "min_spend": 50_000, "multiplier_percent": 150},
    {"name": "Gold", "min_spend": 200_000, "multiplier_percent": 200},
]


def build_world(size: int):
    """Generated server-side (INSERT ... SELECT), so 100,000 members take seconds:
    users, members with a random 12-month spend and the tier it gives, clients with a last
    purchase within two years (20 % tagged VIP), and per member three lots — one past its
    date, one half spent (with its redemption entry and draw, so the ledger verifies)."""
    owner = User.objects.create(username="bench-owner", display_name="Bench owner")
    brand = official_services.brand_create(actor=owner, name="Bench House")
    program = services.program_create(
        actor=owner,
        brand_id=brand.pk,
        name="Bench Rewards",
        currency="EUR",
        points_per_unit=1,
        redeem_points_per_unit=100,
        checkout_max_amount=10_000,
        tiers=TIERS,
    )
    vip = Tag.objects.create(brand=brand, name="VIP")
    with connection.cursor() as cursor:
        for statement in SETUP_SQL:
            cursor.execute(
                statement, {"size": size, "program": program.pk, "brand": brand.pk, "tag": vip.pk}
            )
        cursor.execute("ANALYZE")
    user_ids = list(Member.objects.values_list("user_id", flat=True))
    return brand, user_ids, PointLot.objects.count()


SETUP_SQL = [
    """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
           is_staff, is_active, date_joined, display_name, avatar_url, bio, region,
           findable_by_username)
       SELECT '!', false, 'bench-' || g, '', '', '', false, true, now(), 'Bench ' || g, '', '', '',
           true
       FROM generate_series(1, %(size)s) g""",
    """INSERT INTO loyalty_member (program_id, user_id, member_number, card_token, tier_id,
           points, debt, rolling_spend, joined_at)
       SELECT %(program)s, u.id, lpad(u.id::text, 12, '0'), md5(random()::text),
           (SELECT t.id FROM loyalty_tier t WHERE t.program_id = %(program)s
              AND t.min_spend <= u.spend ORDER BY t.min_spend DESC LIMIT 1),
           0, 0, u.spend, now()
       FROM (SELECT id,
               (ARRAY[0, 10000, 60000, 120000, 250000, 400000])[1 + floor(random() * 6)::int]
               AS spend
             FROM accounts_user
             WHERE username LIKE 'bench-%%' AND username <> 'bench-owner') u""",
    """INSERT INTO loyalty_client (brand_id, user_id, member_id, created_at, last_purchase_at)
       SELECT %(brand)s, m.user_id, m.id, now(), now() - random() * interval '700 days'
       FROM loyalty_member m WHERE m.program_id = %(program)s""",
    """INSERT INTO loyalty_clienttag (client_id, tag_id)
       SELECT id, %(tag)s FROM loyalty_client WHERE brand_id = %(brand)s AND random() < 0.2""",
    """WITH earned AS (
           INSERT INTO loyalty_pointentry (member_id, kind, reason, points, debt_change, created_at)
           SELECT m.id, 'earn', 'purchase', 50 + floor(random() * 1950)::int, 0,
               now() - make_interval(days => CASE k WHEN 1 THEN 370 + floor(random() * 130)::int
                   WHEN 2 THEN 100 + floor(random() * 200)::int ELSE floor(random() * 90)::int END)
           FROM loyalty_member m CROSS JOIN generate_series(1, 3) k
           WHERE m.program_id = %(program)s
           RETURNING id, member_id, points, created_at)
       INSERT INTO loyalty_pointlot (member_id, entry_id, points, remaining, expires_at)
       SELECT member_id, id, points, points, created_at + interval '365 days' FROM earned""",
    """WITH oldest AS (
           SELECT DISTINCT ON (member_id) id, member_id, points FROM loyalty_pointlot
           ORDER BY member_id, expires_at),
       spends AS (
           INSERT INTO loyalty_pointentry (member_id, kind, reason, points, debt_change, created_at)
           SELECT member_id, 'redeem', 'redemption', points / 2, 0, now() FROM oldest
           RETURNING id, member_id, points)
       INSERT INTO loyalty_lotdraw (entry_id, lot_id, points)
       SELECT s.id, o.id, s.points FROM spends s JOIN oldest o USING (member_id)""",
    """UPDATE loyalty_pointlot l SET remaining = l.points - d.points
       FROM loyalty_lotdraw d WHERE d.lot_id = l.id""",
    """UPDATE loyalty_member m SET points = s.total
       FROM (SELECT member_id, SUM(remaining) AS total FROM loyalty_pointlot GROUP BY member_id) s
       WHERE s.member_id = m.id""",
]


def paid_event(brand, index: int, user_id: int, amount: int) -> OrderPaid:
    """A ``shop.order_paid`` event as the shop emits it."""
    return OrderPaid(
        order_id=10_000_000 + index,
        shop_id=1,
        brand_id=brand.pk,
        buyer_user_id=user_id,
        amount=amount,
        currency="EUR",
        prepay_id=f"bench{index}",
        paid_at=timezone.now(),
        lines=(OrderLine(product_id=1, sku_id=1, collection_ids=(), quantity=1, amount=amount),),
        associate_user_id=None,
        live_show_id=None,
    )


def earn(brand, index: int, user_id: int, amount: int) -> None:
    """One paid order, handled exactly as the ``shop.order_paid`` listener handles it."""
    with transaction.atomic():
        handlers.on_shop_order_paid(event_id=index, event=paid_event(brand, index, user_id, amount))


def bench_earning(brand, user_ids, rng, earns: int, processes: int) -> tuple[float, float, float]:
    """Earns per second over ``processes`` forked processes handling paid orders one after
    the other, as a Celery worker of that concurrency runs the listener, and the CPU
    milliseconds an earn costs in Python and in PostgreSQL (figures that do not depend on what
    else the machine runs: 2 cores reach 2,000 / (python + postgres) earns per second). Each
    process warms up (connection, code) with a few earns of its own, then all start at one
    signal."""
    work = [(i, rng.choice(user_ids), rng.randint(1_000, 50_000)) for i in range(earns + 50)]
    warmups, timed = work[earns:], work[:earns]
    context = multiprocessing.get_context("fork")
    ready, done = context.Barrier(processes + 1), context.Queue()
    for alias in connections:  # the children must not share the parent's connections
        connections[alias].close()
        connections[alias].close_pool()

    def run(share: int) -> None:
        try:
            for item in warmups[share::processes]:
                earn(brand, *item)
            ready.wait()
            python, postgres = time.process_time(), backend_cpu_s()
            for item in timed[share::processes]:
                earn(brand, *item)
            done.put((time.time(), time.process_time() - python, backend_cpu_s() - postgres))
        except BaseException:
            ready.abort()  # nobody waits for this process any more
            done.put(None)
            raise

    children = [context.Process(target=run, args=(share,)) for share in range(processes)]
    for child in children:
        child.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a child failed: reported below
        ready.wait()
    started = time.time()
    finishes = [done.get() for _ in children]
    for child in children:
        child.join()
    if None in finishes:
        raise SystemExit("an earning process failed (its traceback is above)")
    finished = max(finish for finish, _, _ in finishes)
    python_ms = sum(python for _, python, _ in finishes) * 1000 / earns
    postgres_ms = sum(postgres for _, _, postgres in finishes) * 1000 / earns
    return earns / (finished - started), python_ms, postgres_ms


def backend_cpu_s() -> float:
    """CPU seconds this process's PostgreSQL backend has used (PostgreSQL runs on this host:
    its /proc entry is readable)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_segment(brand) -> tuple[float, int]:
    filters = {
        "tiers": ["Silver", "Gold"],
        "min_spend": 100_000,
        "last_purchase_after": (timezone.now() - timedelta(days=90)).isoformat(),
    }
    timings, size = [], 0
    for _ in range(7):
        started = time.perf_counter()
        clients = selectors.clients_matching(brand_id=brand.pk, filters=filters, user=None)
        size = clients.count()
        list(clients.order_by("-id").values_list("id", flat=True)[:50])
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--earns", type=int, default=2_000, help="paid orders in the earn phase")
    parser.add_argument(
        "--processes", type=int, default=8, help="earning processes (the worker's concurrency)"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(8)
    started = time.perf_counter()
    brand, user_ids, lot_count = build_world(args.members)
    print(f"members={args.members}")
    print(f"lots={lot_count}")
    print(f"setup_s={time.perf_counter() - started:.1f}")
    print(f"earn_processes={args.processes}")
    earn_rate, python_ms, postgres_ms = bench_earning(
        brand, user_ids, rng, args.earns, args.processes
    )
    print(f"earn_per_s={earn_rate:.0f}")
    print(f"earn_python_cpu_ms={python_ms:.2f}")
    print(f"earn_postgres_cpu_ms={postgres_ms:.2f}")
    started = time.perf_counter()
    expired = services.points_expire()
    print(f"expiry_run_s={time.perf_counter() - started:.2f}")
    print(f"expired_points={expired}")
    segment_ms, segment_size = bench_segment(brand)
    print(f"segment_query_ms={segment_ms:.1f}")
    print(f"segment_size={segment_size}")
    started = time.perf_counter()
    report = selectors.points_verify()
    print(f"verify_s={time.perf_counter() - started:.2f}")
    print(f"verify_ok={report.ok}")
    print(f"load_avg={'/'.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
