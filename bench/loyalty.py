"""Loyalty at scale: 100,000 members with lots, then earning, the nightly expiry and a
3-filter segment query.

    /work/main/.venv/bin/python bench/loyalty.py [--members N]

Uses DATABASE_URL (PostgreSQL). It wipes the loyalty tables and its own bench users first,
so run it against a database of your own. Prints ``name=value`` lines.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from loyalty import handlers, selectors, services  # noqa: E402
from loyalty.models import (  # noqa: E402
    Client,
    ClientTag,
    LotDraw,
    Member,
    PointEntry,
    PointLot,
    Tag,
)
from superapp.accounts.models import User  # noqa: E402
from superapp.official import services as official_services  # noqa: E402

BATCH = 5000
EARN_SAMPLES = 500
TIERS = [
    {"name": "Member", "min_spend": 0, "multiplier_percent": 100},
    {"name": "Silver", "min_spend": 50_000, "multiplier_percent": 150},
    {"name": "Gold", "min_spend": 200_000, "multiplier_percent": 200},
]


def reset() -> None:
    tables = [m._meta.db_table for m in django.apps.apps.get_app_config("loyalty").get_models()]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        # Bench consumers own nothing else once loyalty is empty: delete them in one statement.
        cursor.execute(
            "DELETE FROM accounts_user WHERE username LIKE 'bench-%%' AND id NOT IN "
            "(SELECT user_id FROM official_brandmember)"
        )
    User.objects.filter(username="bench-owner").delete()


def build_world(size: int, rng: random.Random):
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
    tiers = list(program.tiers.order_by("min_spend"))
    users = User.objects.bulk_create(
        [User(username=f"bench-{i}", display_name=f"Bench {i}", password="!") for i in range(size)],
        batch_size=BATCH,
    )
    now = timezone.now()
    members = []
    for i, user in enumerate(users):
        spend = rng.choice([0, 10_000, 60_000, 120_000, 250_000, 400_000])
        tier = [t for t in tiers if t.min_spend <= spend][-1]
        members.append(
            Member(
                program=program,
                user=user,
                member_number=f"{i:012d}",
                card_token=secrets.token_hex(16),
                tier=tier,
                rolling_spend=spend,
            )
        )
    members = Member.objects.bulk_create(members, batch_size=BATCH)
    clients = Client.objects.bulk_create(
        [
            Client(
                brand=brand,
                user_id=m.user_id,
                member=m,
                last_purchase_at=now - timedelta(days=rng.randint(0, 700)),
            )
            for m in members
        ],
        batch_size=BATCH,
    )
    vip = Tag.objects.create(brand=brand, name="VIP")
    ClientTag.objects.bulk_create(
        [ClientTag(client=c, tag=vip) for c in clients if rng.random() < 0.2], batch_size=BATCH
    )
    lots = build_lots(members, now, rng)
    return brand, users, lots


def build_lots(members, now, rng) -> int:
    """Three lots per member, one due for expiry, one of them partly spent (with its
    redemption entry and draw, so the ledger verifies)."""
    lot_count = 0
    for start in range(0, len(members), BATCH):
        chunk = members[start : start + BATCH]
        earns, plans = [], []
        for member in chunk:
            for age_days in (rng.randint(370, 500), rng.randint(100, 300), rng.randint(0, 90)):
                points = rng.randint(50, 2000)
                earns.append(
                    PointEntry(
                        member=member,
                        kind="earn",
                        reason="purchase",
                        points=points,
                        created_at=now - timedelta(days=age_days),
                    )
                )
                plans.append((member, points, now - timedelta(days=age_days - 365)))
        earns = PointEntry.objects.bulk_create(earns, batch_size=BATCH)
        lots = PointLot.objects.bulk_create(
            [
                PointLot(member=m, entry=e, points=p, remaining=p, expires_at=exp)
                for e, (m, p, exp) in zip(earns, plans, strict=True)
            ],
            batch_size=BATCH,
        )
        spends, draws = [], []
        for member, member_lots in zip(
            chunk, (lots[i : i + 3] for i in range(0, len(lots), 3)), strict=True
        ):
            first = member_lots[0]
            spent = first.points // 2
            first.remaining -= spent
            spends.append(
                PointEntry(
                    member=member, kind="redeem", reason="redemption", points=spent, created_at=now
                )
            )
            member.points = sum(lot.remaining for lot in member_lots)
        spends = PointEntry.objects.bulk_create(spends, batch_size=BATCH)
        for spend, member_lots in zip(
            spends, (lots[i : i + 3] for i in range(0, len(lots), 3)), strict=True
        ):
            draws.append(LotDraw(entry=spend, lot=member_lots[0], points=spend.points))
        LotDraw.objects.bulk_create(draws, batch_size=BATCH)
        PointLot.objects.bulk_update(
            [lots[i] for i in range(0, len(lots), 3)], ["remaining"], batch_size=BATCH
        )
        Member.objects.bulk_update(chunk, ["points"], batch_size=BATCH)
        lot_count += len(lots)
    return lot_count


def bench_earning(brand, users, rng) -> float:
    """Shop orders paid, handled exactly as the ``shop.order_paid`` listener handles them."""
    started = time.perf_counter()
    for i in range(EARN_SAMPLES):
        user = rng.choice(users)
        amount = rng.randint(1_000, 50_000)
        with transaction.atomic():
            handlers.on_shop_order_paid(
                event_id=i,
                payload={
                    "order_id": 10_000_000 + i,
                    "shop_id": 1,
                    "brand_id": brand.pk,
                    "buyer_user_id": user.pk,
                    "amount": amount,
                    "currency": "EUR",
                    "prepay_id": f"bench{i}",
                    "paid_at": timezone.now().isoformat(),
                    "lines": [
                        {
                            "product_id": 1,
                            "sku_id": 1,
                            "collection_ids": [],
                            "quantity": 1,
                            "amount": amount,
                        }
                    ],
                    "associate_user_id": None,
                    "live_show_id": None,
                },
            )
    return EARN_SAMPLES / (time.perf_counter() - started)


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
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/loyalty.py needs DATABASE_URL pointing at PostgreSQL")
    call_command("migrate", verbosity=0)
    rng = random.Random(8)
    reset()
    started = time.perf_counter()
    brand, users, lot_count = build_world(args.members, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"members={args.members}")
    print(f"lots={lot_count}")
    print(f"setup_s={time.perf_counter() - started:.1f}")
    print(f"earn_per_s={bench_earning(brand, users, rng):.0f}")
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


if __name__ == "__main__":
    main()
