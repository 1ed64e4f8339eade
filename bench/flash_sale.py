"""Flash sale: many buyers race for a few units through the HTTP API of a real uvicorn server,
and the winners pay through real payments.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/flash_sale.py

It runs in a fresh database of its own next to ``DATABASE_URL``'s (bench/_database.py), dropped
at the end, and its server listens on a free local port.

Every buyer has a payment PIN and a wallet topped up through the sandbox gateway with the price.
From its own thread pool slot it POSTs /api/v1/shops/{id}/checkout for one unit; a winner at
once POSTs /api/v1/shop/orders/{id}/pay and confirms the pay order with its PIN at
/api/v1/pay/orders/{prepay_id}/confirm (payments moves the money and its
``payments.payorder_paid`` event marks the order paid). Prints ``name=value`` lines;
``oversold`` must be 0, ``orders_paid`` must equal ``units`` and ``ledger_verify`` must be ok.
Options: --units, --buyers, --threads, --workers (uvicorn processes), --celery (worker
processes), --worker-niceness (10, as scripts/run_services.sh starts the worker).

Plaza runs as it is deployed (scripts/run_services.sh): uvicorn processes answer the buyers and
a Celery worker, on the same cores, runs the domain-event listeners after each commit (the
shop marks the order paid, loyalty awards points, the buyer is notified). With
``CELERY_TASK_ALWAYS_EAGER`` the request that committed would run every listener of every
order before answering; that is not how Plaza runs. ``all_paid_s`` is the time from the first
checkout until the worker had marked the last order paid.

The buyers' PIN rows are bulk-inserted with one hash of the PIN, as bench/payments.py does.
"""

import argparse
import http.client
import io
import json
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"

import django  # noqa: E402
from _cpu import backends_cpu_s, backends_used_s, process_cpu_s, tree_cpu_s  # noqa: E402
from _database import analyze, free_ports, fresh_database  # noqa: E402

from scripts.serving import uvicorn_command  # noqa: E402

fresh_database("flash_sale_bench")  # the server inherits its DATABASE_URL
django.setup()

from django.core.management import CommandError, call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from miniprograms.shop import services  # noqa: E402
from miniprograms.shop.models import Order, OrderLine, Sku  # noqa: E402
from payments import pins  # noqa: E402
from payments import selectors as payment_selectors  # noqa: E402
from payments import services as payment_services  # noqa: E402
from payments.models import PayOrder, WalletSecurity  # noqa: E402
from superapp.accounts import services as account_services  # noqa: E402
from superapp.accounts.models import User  # noqa: E402
from superapp.official import services as official_services  # noqa: E402

PIN = "246810"
PRICE = 19900
ADDRESS = {
    "name": "Flash Buyer",
    "phone": "+33 1 23 45 67 89",
    "line1": "1 place du Marché",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


def build_sale(units: int, buyers: int):
    """A fresh shop with one SKU of ``units`` and ``buyers`` consumers with tokens, PINs and
    wallets holding the price (topped up through the sandbox gateway)."""
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
        prices=[{"currency": "EUR", "amount": PRICE}],
    )
    services.product_publish(actor=owner, shop_id=shop.pk, product_id=product.pk, published=True)
    users = User.objects.bulk_create(
        User(username=f"flash-{run}-{i}", password="!") for i in range(buyers)
    )
    pin_hash = pins.pin_hash(PIN)
    WalletSecurity.objects.bulk_create(WalletSecurity(user=u, pin_hash=pin_hash) for u in users)
    for user in users:
        # Celery runs eagerly here: the sandbox's signed callback completes the top-up at once.
        payment_services.topup_create(actor=user, amount=PRICE, currency="EUR")
    tokens = [account_services.token_issue(user=u).access_token for u in users]
    return shop, sku, users, tokens


def deployed_environment() -> dict[str, str]:
    """The server's and the worker's settings: a real broker and a queue and cache prefix of
    this run's own, so another program's worker never takes its drains."""
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("bench/flash_sale.py needs REDIS_URL (the Celery broker)")
    run = f"flash-bench-{uuid.uuid4().hex[:8]}"
    return {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE": run,
        "CACHE_KEY_PREFIX": run,
        "CHANNEL_PREFIX": run,
    }


def start_server(port: int, workers: int, environment: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        uvicorn_command(
            port, "--workers", str(workers), "--log-level", "warning", "--no-access-log"
        ),
        cwd=ROOT,
        env=environment,
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


def start_worker(processes: int, niceness: int, environment: dict[str, str]) -> subprocess.Popen:
    """The Celery worker that drains the outboxes, as scripts/run_services.sh starts it (at
    niceness 10 by default: the buyers' requests go first)."""
    return subprocess.Popen(
        [
            "nice",
            "-n",
            str(niceness),
            sys.executable,
            "-m",
            "celery",
            "--quiet",
            "-A",
            "superapp",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            str(processes),
            "--hostname",
            f"{environment['CELERY_QUEUE']}@%h",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )


def wait_all_paid(shop, orders: int, started: float, timeout: float = 300) -> float:
    """Seconds from ``started`` until the worker had marked ``orders`` orders paid (polled)."""
    deadline = time.monotonic() + timeout
    while Order.objects.filter(shop=shop, status=Order.Status.PAID).count() < orders:
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return time.perf_counter() - started


def stop_worker(worker: subprocess.Popen) -> None:
    """Celery's warm shutdown: the main process lets its pool finish the running drains."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def stop_server(server: subprocess.Popen) -> None:
    """Stop uvicorn and its worker processes (its own process group)."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


class Client:
    """One keep-alive HTTP/1.1 connection per buyer thread, with the standard library's
    http.client: the load generator shares the server's two cores, and ``requests`` cost it
    about 1.5 ms of CPU per request (measured), time the server then did not get."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def post(self, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
        payload = json.dumps(body or {}).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection.request("POST", f"/api/v1{path}", body=payload, headers=headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def run_buyers(port: int, shop_id: int, sku_id: int, tokens: list[str], threads: int):
    """Each buyer checks out one unit; a winner pays at once. Returns per-buyer results
    (checkout status, error code, checkout ms, pay ms or None) and the wall time."""
    body = {"items": [{"sku_id": sku_id, "quantity": 1}], "shipping_address": ADDRESS}
    clients: dict[int, Client] = {}

    def buy(token: str) -> tuple[int, str, float, float | None]:
        client = clients.setdefault(threading.get_ident(), Client(port))
        started = time.perf_counter()
        status, answer = client.post(f"/shops/{shop_id}/checkout", token, body)
        checkout_ms = (time.perf_counter() - started) * 1000
        if status != 201:
            return status, answer.get("code", ""), checkout_ms, None
        started = time.perf_counter()
        _, pay_order = client.post(f"/shop/orders/{answer['id']}/pay", token)
        client.post(f"/pay/orders/{pay_order['prepay_id']}/confirm", token, {"pin": PIN})
        return 201, "", checkout_ms, (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(buy, tokens))
    return results, time.perf_counter() - started


def cpu_readings(server: subprocess.Popen, worker: subprocess.Popen) -> dict:
    """CPU seconds so far of the uvicorn processes, the Celery worker's, this process (the
    buyers' load) and the database's PostgreSQL backends."""
    with connection.cursor() as cursor:
        postgres = backends_cpu_s(cursor)
    return {
        "server": tree_cpu_s(server.pid),
        "worker": tree_cpu_s(worker.pid),
        "buyers": process_cpu_s(os.getpid()),
        "postgres": postgres,
    }


def cpu_spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each part used between two ``cpu_readings``: what a buyer costs the
    machine, whatever else it runs (2 cores give at most 2,000 / machine ms buyers a second)."""
    spent = {name: after[name] - before[name] for name in ("server", "worker", "buyers")}
    return {**spent, "postgres": backends_used_s(before["postgres"], after["postgres"])}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * fraction) - 1, 0)]


def ledger_verified() -> str:
    try:
        call_command("ledger_verify", stdout=io.StringIO())
    except CommandError:
        return "MISMATCH"
    return "ok"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--celery", type=int, default=2, help="Celery worker processes")
    parser.add_argument(
        "--worker-niceness",
        type=int,
        default=10,
        help="the Celery worker's niceness (scripts/run_services.sh's WORKER_NICENESS)",
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    shop, sku, users, tokens = build_sale(args.units, args.buyers)
    analyze()
    (port,) = free_ports(1)
    environment = deployed_environment()
    worker = start_worker(args.celery, args.worker_niceness, environment)
    server = start_server(port, args.workers, environment)
    load_before = os.getloadavg()
    try:
        cpu_before = cpu_readings(server, worker)
        started = time.perf_counter()
        results, seconds = run_buyers(port, shop.pk, sku.pk, tokens, args.threads)
        created = sum(1 for status, *_ in results if status == 201)
        all_paid_s = wait_all_paid(shop, created, started)
        cpu_used = cpu_spent(cpu_before, cpu_readings(server, worker))
    finally:
        stop_server(server)
        stop_worker(worker)

    sold = (
        OrderLine.objects.filter(order__shop=shop)
        .exclude(order__status=Order.Status.CANCELLED)
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    checkout_ms = [ms for _, _, ms, _ in results]
    pay_ms = [ms for _, _, _, ms in results if ms is not None]
    statuses = [(status, code) for status, code, _, _ in results]
    paid_orders = Order.objects.filter(shop=shop, status=Order.Status.PAID)
    pay_orders_paid = PayOrder.objects.filter(
        miniprogram=shop.miniprogram, status=PayOrder.Status.PAID
    )
    merchant = payment_selectors.merchant_balances(organisation_id=shop.miniprogram.organisation_id)
    spent = sum(
        PRICE - sum(b["available"] for b in payment_selectors.wallet_balances(user=user))
        for user in users
    )
    print(f"units={args.units}")
    print(f"buyers={args.buyers}")
    print(f"threads={args.threads}")
    print(f"server_workers={args.workers}")
    print(f"celery_workers={args.celery}")
    print(f"worker_niceness={args.worker_niceness}")
    print(f"load_avg_before={'/'.join(f'{x:.2f}' for x in load_before)}")
    print(f"orders_created={statuses.count((201, ''))}")
    print(f"out_of_stock={statuses.count((409, 'out_of_stock'))}")
    expected = statuses.count((201, "")) + statuses.count((409, "out_of_stock"))
    print(f"other_responses={len(statuses) - expected}")
    print(f"stock_left={Sku.objects.get(pk=sku.pk).stock}")
    print(f"oversold={max(0, sold - args.units)}")
    print(f"orders_paid={paid_orders.count()}")
    print(f"payorders_paid={pay_orders_paid.count()}")
    print(f"buyers_charged={spent}")
    print(f"merchant_received={sum(row['available'] for row in merchant)}")
    print(f"ledger_verify={ledger_verified()}")
    print(f"checkouts_per_s={len(results) / seconds:.1f}")
    print(f"p50_ms={percentile(checkout_ms, 0.5):.1f}")
    print(f"p99_ms={percentile(checkout_ms, 0.99):.1f}")
    print(f"pay_p50_ms={percentile(pay_ms, 0.5):.1f}")
    print(f"pay_p99_ms={percentile(pay_ms, 0.99):.1f}")
    print(f"all_paid_s={all_paid_s:.1f}")
    for name, seconds in cpu_used.items():
        print(f"{name}_cpu_ms_per_buyer={seconds * 1000 / args.buyers:.2f}")
    print(f"machine_cpu_ms_per_buyer={sum(cpu_used.values()) * 1000 / args.buyers:.2f}")


if __name__ == "__main__":
    main()
