"""What a flash sale's winner costs: its three requests through Django's request handler (the
middleware, token authentication, DRF and the views the server runs), one after the other in
one thread of one process, and the shop's listener that marks its order paid, after a
warm-up, against a fresh PostgreSQL database (bench/_database.py).

    DATABASE_URL=postgres://... .venv/bin/python bench/flash_sale_profile.py [--winners 300]
        [--warmup 50] [--cprofile FILE]

Prints, per winner, ``<step>_cpu_ms=`` (``time.process_time`` of this process) and
``<step>_postgres_cpu_ms=`` (its backend's time on a CPU, /proc/<pid>/schedstat) for the
checkout, the pay order's creation, the payment's confirmation and the shop's listener of
``payments.payorder_paid``, and for a buyer refused once the units are gone (``refused``: the
409 that most of a flash sale's audience gets), then ``least_…`` figures: the quietest batch
of 50 winners, the ones to compare on a machine shared with others. Nothing is drained after a
commit (the worker's job): the listener is run by hand, as the worker runs it. One thread
alone is not the bench (no lock waits, no GIL contention: bench/flash_sale.py measures those);
it tells changes to the winning path apart, quickly. ``--cprofile FILE`` writes a cProfile of
the timed checkouts and pay orders, and ``--refused-cprofile FILE`` one of the refusals.
"""

import argparse
import cProfile
import gc
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from _cpu import scheduled_cpu_s  # noqa: E402
from _database import analyze, fresh_database  # noqa: E402

# A database of this script's own first: flash_sale.py's, made on import next to it, then has a
# name of its own too (a profile never drops a running bench's database).
fresh_database("flash_profile")
# the bench module sets its environment and builds the sale (build_sale) for us
_spec = importlib.util.spec_from_file_location("flash_sale_bench", HERE / "flash_sale.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from superapp.core import domain_events, wakeup  # noqa: E402
from superapp.core.models import DomainEventDelivery  # noqa: E402

BATCH = 50
STEPS = ("checkout", "pay_order", "confirm", "marked_paid", "refused")
SHOP_LISTENER = "miniprograms.shop.payment.on_payorder_paid"


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class Winner:
    """One buyer's three requests, each timed: (python, postgres) CPU seconds per step."""

    def __init__(self, shop_id: int, sku_id: int, pid: int):
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.checkout_path = f"/api/v1/shops/{shop_id}/checkout"
        self.body = {
            "items": [{"sku_id": sku_id, "quantity": 1}],
            "shipping_address": bench.ADDRESS,
        }
        self.pid = pid

    def timed(self, spent: dict, step: str, action):
        backend, python = scheduled_cpu_s(self.pid), time.process_time()
        result = action()
        python, backend = time.process_time() - python, scheduled_cpu_s(self.pid) - backend
        spent[step] = (spent[step][0] + python, spent[step][1] + backend)
        return result

    def post(self, path: str, token: str, body: dict | None = None, expected: int = 201) -> dict:
        response = self.client.post(
            path,
            json.dumps(body or {}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != expected:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")
        return response.json()

    def buy(self, token: str, spent: dict, profile: cProfile.Profile | None) -> None:
        if profile:
            profile.enable()
        order = self.timed(
            spent, "checkout", lambda: self.post(self.checkout_path, token, self.body)
        )
        pay_path = f"/api/v1/shop/orders/{order['id']}/pay"
        pay_order = self.timed(spent, "pay_order", lambda: self.post(pay_path, token))
        if profile:
            profile.disable()
        confirm = f"/api/v1/pay/orders/{pay_order['prepay_id']}/confirm"
        self.timed(spent, "confirm", lambda: self.post(confirm, token, {"pin": bench.PIN}, 200))
        [delivery_id] = DomainEventDelivery.objects.filter(
            handler=SHOP_LISTENER, handled_at__isnull=True
        ).values_list("pk", flat=True)
        self.timed(
            spent, "marked_paid", lambda: domain_events.delivery_handle(delivery_id=delivery_id)
        )

    def refused(self, token: str, spent: dict, profile: cProfile.Profile | None) -> None:
        if profile:
            profile.enable()
        self.timed(spent, "refused", lambda: self.post(self.checkout_path, token, self.body, 409))
        if profile:
            profile.disable()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--winners", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--cprofile", help="write a cProfile of the timed checkouts and pay orders")
    parser.add_argument("--refused-cprofile", help="write a cProfile of the timed refusals")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    buyers = args.warmup + args.winners
    shop, sku, _users, tokens = bench.build_sale(units=buyers, buyers=buyers)
    analyze()
    wakeup.ring = lambda *tasks: None  # the worker's drains are not this process's work
    winner = Winner(shop.pk, sku.pk, backend_pid())
    ignored = dict.fromkeys(STEPS, (0.0, 0.0))
    for token in tokens[: args.warmup]:
        winner.buy(token, ignored, None)
    gc.collect()
    gc.freeze()  # as the server freezes its startup heap (superapp/asgi.py)
    profile = cProfile.Profile(time.process_time) if args.cprofile else None
    refused_profile = cProfile.Profile(time.process_time) if args.refused_cprofile else None
    batches = []
    timed = tokens[args.warmup :]
    for start in range(0, len(timed), BATCH):
        spent = dict.fromkeys(STEPS, (0.0, 0.0))
        for token in timed[start : start + BATCH]:
            winner.buy(token, spent, profile)
        batches.append(spent)
    for batch, start in zip(batches, range(0, len(timed), BATCH), strict=True):
        for token in timed[start : start + BATCH]:  # every unit is sold: the same buyers again
            winner.refused(token, batch, refused_profile)
    print(f"winners={len(timed)}")
    for step in STEPS:
        for side, label in ((0, "cpu"), (1, "postgres_cpu")):
            total = sum(batch[step][side] for batch in batches)
            least = min(batch[step][side] for batch in batches)
            print(f"{step}_{label}_ms={total * 1000 / len(timed):.3f}")
            print(f"least_{step}_{label}_ms={least * 1000 / BATCH:.3f}")
    print(f"load_avg={'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    if profile:
        profile.dump_stats(args.cprofile)
    if refused_profile:
        refused_profile.dump_stats(args.refused_cprofile)


if __name__ == "__main__":
    main()
