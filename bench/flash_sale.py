"""Flash sale: many buyers race for a few units through the HTTP API of a real uvicorn server.

    DATABASE_URL=postgres://... /work/main/.venv/bin/python bench/flash_sale.py

Every buyer POSTs /api/v1/shops/{id}/checkout for one unit from its own thread pool slot; the
winners' orders are then paid through the path payments will use: the
``payments.payorder_paid`` domain event, handled by miniprograms/shop/payment.py. Prints
``name=value`` lines; ``oversold`` must be 0 and ``orders_paid`` must equal ``units``.
Options: --units, --buyers, --threads, --workers, --port (127.0.0.1, default 8510).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from miniprograms.shop import services  # noqa: E402
from miniprograms.shop.models import Order, OrderLine, Sku  # noqa: E402
from superapp.accounts import services as account_services  # noqa: E402
from superapp.accounts.models import User  # noqa: E402
from superapp.core.domain_events import emit  # noqa: E402
from superapp.official import services as official_services  # noqa: E402

ADDRESS = {
    "name": "Flash Buyer",
    "phone": "+33 1 23 45 67 89",
    "line1": "1 place du Marché",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


def build_sale(units: int, buyers: int):
    """A fresh shop with one SKU of ``units`` and ``buyers`` consumers with tokens."""
    run = uuid.uuid4().hex[:8]
    owner = User.objects.create(username=f"flash-owner-{run}")
    brand = official_services.brand_create(actor=owner, name=f"Flash {run}")
    shop = services.shop_enable(actor=owner, brand_id=brand.pk)
    product = services.product_create(
        actor=owner, shop_id=shop.pk, handle="drop", title="Limited drop", option_names=["size"]
    )
    sku = services.sku_create(
        actor=owner,
        shop_id=shop.pk,
        product_id=product.pk,
        code=f"DROP-{run}",
        options={"size": "one"},
        stock=units,
        prices=[{"currency": "EUR", "amount": 19900}],
    )
    services.product_publish(actor=owner, shop_id=shop.pk, product_id=product.pk, published=True)
    users = User.objects.bulk_create(
        User(username=f"flash-{run}-{i}", password="!") for i in range(buyers)
    )
    tokens = [account_services.token_issue(user=u).access_token for u in users]
    return shop, sku, tokens


def start_server(port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "superapp.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code < 500:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("uvicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    """Stop uvicorn and its worker processes (its own process group)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_buyers(url: str, sku_id: int, tokens: list[str], threads: int):
    body = {"items": [{"sku_id": sku_id, "quantity": 1}], "shipping_address": ADDRESS}
    sessions: dict[int, requests.Session] = {}

    def buy(token: str) -> tuple[int, str, float]:
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        started = time.perf_counter()
        response = session.post(
            url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        elapsed = (time.perf_counter() - started) * 1000
        code = response.json().get("code", "") if response.status_code != 201 else ""
        return response.status_code, code, elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(buy, tokens))
    return results, time.perf_counter() - started


def pay_through_events(shop) -> None:
    """What payments does once each buyer confirms its pay order with the PIN."""
    for order in Order.objects.filter(shop=shop, status=Order.Status.CREATED).order_by("id"):
        with transaction.atomic():
            emit(
                "payments.payorder_paid",
                {
                    "prepay_id": f"bench-{order.pk}",
                    "app_id": shop.miniprogram.app_id,
                    "organisation_id": shop.miniprogram.organisation_id,
                    "payer_user_id": order.buyer_id,
                    "amount": order.total,
                    "currency": order.currency,
                    "out_trade_no": order.out_trade_no,
                    "paid_at": timezone.now().isoformat(),
                },
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8510)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    shop, sku, tokens = build_sale(args.units, args.buyers)
    server = start_server(args.port, args.workers)
    try:
        url = f"http://127.0.0.1:{args.port}/api/v1/shops/{shop.pk}/checkout"
        results, seconds = run_buyers(url, sku.pk, tokens, args.threads)
    finally:
        stop_server(server)
    pay_through_events(shop)

    sold = (
        OrderLine.objects.filter(order__shop=shop)
        .exclude(order__status=Order.Status.CANCELLED)
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    latencies = sorted(ms for _, _, ms in results)
    statuses = [(status, code) for status, code, _ in results]
    print(f"units={args.units}")
    print(f"buyers={args.buyers}")
    print(f"threads={args.threads}")
    print(f"server_workers={args.workers}")
    print(f"orders_created={statuses.count((201, ''))}")
    print(f"out_of_stock={statuses.count((409, 'out_of_stock'))}")
    expected = statuses.count((201, "")) + statuses.count((409, "out_of_stock"))
    print(f"other_responses={len(statuses) - expected}")
    print(f"stock_left={Sku.objects.get(pk=sku.pk).stock}")
    print(f"oversold={max(0, sold - args.units)}")
    print(f"orders_paid={Order.objects.filter(shop=shop, status=Order.Status.PAID).count()}")
    print("paid_via=payments.payorder_paid event (payments app not merged yet)")
    print(f"checkouts_per_s={len(results) / seconds:.1f}")
    print(f"p50_ms={latencies[len(latencies) // 2]:.1f}")
    print(f"p99_ms={latencies[int(len(latencies) * 0.99) - 1]:.1f}")


if __name__ == "__main__":
    main()
