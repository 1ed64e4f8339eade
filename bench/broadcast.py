"""Broadcast cost versus audience size (issue 4): fan-out on read.

Creates an official account with 10 followers and one with 1,000,000 (users and follow rows
bulk-inserted with COPY), publishes one broadcast to each through the real service, and reads
a follower's feed right after through the real API. Prints:

    publish_ms_10=      publish_ms_1m=      first_read_ms_1m=   (and a few extra figures)

Run: DATABASE_URL=postgres://... .venv/bin/python bench/broadcast.py [--followers N]
It runs in a fresh database of its own next to ``DATABASE_URL``'s (bench/_database.py), dropped
at the end.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django
from _database import fresh_database

fresh_database("broadcast_bench")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from superapp.accounts import services as account_services  # noqa: E402
from superapp.accounts.models import User  # noqa: E402
from superapp.official import selectors, services  # noqa: E402
from superapp.official.models import Follow, FollowerCounterShard  # noqa: E402

SAMPLES = 5


def create_bench_users(count: int) -> list[int]:
    """``count`` users named bench_<n>, inserted server-side in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {User._meta.db_table} (password, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined, display_name, avatar_url,
                bio, region, findable_by_username)
            SELECT '!', false, 'bench_' || n, '', '', '', false, true, now(),
                'Bench ' || n, '', '', '', true
            FROM generate_series(0, %s) AS n
            """,
            [count - 1],
        )
    return list(
        User.objects.filter(username__startswith="bench_")
        .order_by("id")
        .values_list("id", flat=True)[:count]
    )


def copy_follows(account_id: int, user_ids: list[int], followed_at) -> None:
    """COPY the follow rows (psycopg 3's ``Cursor.copy``) and set the follower counter to
    match."""
    table = Follow._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {table} (account_id, user_id, followed_at) FROM STDIN"
        ) as copy:
            for user_id in user_ids:
                copy.write_row((account_id, user_id, followed_at))
        cursor.execute(f"ANALYZE {table}")
    FollowerCounterShard.objects.filter(account_id=account_id, shard=0).update(count=len(user_ids))


def timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def publish_ms(owner, account) -> float:
    """Median wall time of the real publish service (transaction + after-commit socket push)."""
    samples = [
        timed_ms(
            lambda: services.broadcast_publish(
                actor=owner, account_id=account.pk, title="Bench", body="Hello", links=[]
            )
        )
        for _ in range(SAMPLES)
    ]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=1_000_000)
    args = parser.parse_args()
    settings.OFFICIAL_SERVICE_BROADCASTS_PER_MONTH = 10 * SAMPLES
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    user_ids = create_bench_users(args.followers)
    owner = User.objects.get(pk=user_ids[0])
    brand = services.brand_create(actor=owner, name=f"Bench {timezone.now().timestamp()}")
    small = services.account_create(actor=owner, brand_id=brand.pk, name="ten", kind="service")
    large = services.account_create(actor=owner, brand_id=brand.pk, name="million", kind="service")
    for uid in user_ids[:10]:
        services.account_follow(user=User.objects.get(pk=uid), account_id=small.pk)
    followed_at = timezone.now()
    copy_follows(large.pk, user_ids, followed_at)
    setup_s = time.perf_counter() - started

    reader = User.objects.get(pk=user_ids[len(user_ids) // 2])
    client = APIClient()
    token = account_services.token_issue(user=reader).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    # Warm the process as a running server is (imports, URL regexes, serializer fields)
    # with another user's feed request; the reader's own feed has not been read yet.
    warm_up = APIClient()
    warm_up.credentials(
        HTTP_AUTHORIZATION=f"Bearer {account_services.token_issue(user=owner).access_token}"
    )
    warm_up.get("/api/v1/official-accounts/feed")

    publish_10 = publish_ms(owner, small)
    publish_1m = publish_ms(owner, large)
    response = None

    def read():
        nonlocal response
        response = client.get("/api/v1/official-accounts/feed")

    first_read = timed_ms(read)
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == SAMPLES, response.json()
    warm_reads = statistics.median(timed_ms(read) for _ in range(SAMPLES))
    feed_query = statistics.median(
        timed_ms(lambda: selectors.feed_for_user(user=reader, before=None, limit=20))
        for _ in range(SAMPLES)
    )

    print(f"followers={args.followers}")
    print(f"setup_s={setup_s:.1f}")
    print(f"publish_ms_10={publish_10:.2f}")
    print(f"publish_ms_1m={publish_1m:.2f}")
    print(f"publish_ratio={publish_1m / publish_10:.2f}")
    print(f"first_read_ms_1m={first_read:.2f}")
    print(f"warm_read_ms_1m={warm_reads:.2f}")
    print(f"feed_query_ms_1m={feed_query:.2f}")


if __name__ == "__main__":
    main()
