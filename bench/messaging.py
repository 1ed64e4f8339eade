"""End-to-end messaging benchmark (not a test).

Starts ``--servers`` uvicorn processes of the ASGI app on PostgreSQL + Redis, connects
``--clients`` WebSocket clients spread over them, and sends ``--messages`` messages through the
HTTP API from ``--senders`` threads, also spread over the servers, so most deliveries cross
processes through the Redis channel layer. Users chat in groups of ``--group-size``.

Two phases: ``max`` sends as fast as the senders can, giving ``messages_per_s``; ``paced`` then
sends at half that rate, giving the delivery latencies (POST start -> WebSocket arrival at each
recipient). Every delivery is checked: ``lost`` (never arrived on a socket) and ``duplicated``
(arrived twice) must be 0; ``lost_after_sync`` counts what even ``/api/v1/sync`` could not
recover (must always be 0).

    python bench/messaging.py [--clients 40] [--messages 600] [--senders 8] [--servers 2]
"""

import argparse
import asyncio
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
import websockets
from _database import analyze, free_ports, fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scripts.serving import uvicorn_command  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=40, help="WebSocket clients (users)")
    parser.add_argument("--messages", type=int, default=3000, help="messages in the max phase")
    parser.add_argument("--senders", type=int, default=8, help="HTTP sender threads")
    parser.add_argument("--servers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--group-size", type=int, default=4, help="members per conversation")
    parser.add_argument(
        "--paced-fraction", type=float, default=0.5, help="paced rate as a share of the max rate"
    )
    parser.add_argument(
        "--paced-messages", type=int, default=0, help="messages in the paced phase (0: half)"
    )
    return parser.parse_args()


# --- Fixture: users, contacts, groups and tokens -------------------------------------------------


def build_world(clients: int, group_size: int):
    import django

    django.setup()
    from django.core.management import call_command

    from superapp.accounts.models import User
    from superapp.accounts.services import token_issue
    from superapp.messaging import services
    from superapp.social.models import Contact

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:6]
    users = User.objects.bulk_create(
        [User(username=f"bench_{run}_{i}", display_name=f"Bench {i}") for i in range(clients)]
    )
    groups = [users[i : i + group_size] for i in range(0, clients, group_size)]
    groups = [g for g in groups if len(g) >= 2]
    Contact.objects.bulk_create(
        [Contact(owner=a, contact=b) for g in groups for a in g for b in g if a.pk != b.pk]
    )
    conversations = []
    for members in groups:
        group = services.group_create(actor=members[0], members=members[1:], title="bench")
        conversations.append((group.pk, [u.pk for u in members]))
    tokens = {u.pk: token_issue(user=u).access_token for u in users}
    analyze()
    return run, users, conversations, tokens


# --- Servers -----------------------------------------------------------------------------------


def start_servers(ports: list[int], log) -> list[subprocess.Popen]:
    """One server per port; each logs to ``log`` (stderr stays readable for the figures)."""
    # per-sender rate limits would cap what this measures: lift them for the bench servers
    env = {
        **os.environ,
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore",
        "MESSAGE_SEND_PER_MINUTE": "1000000",
    }
    processes = []
    for port in ports:
        command = uvicorn_command(
            port,
            *("--no-access-log", "--log-level", "warning", "--loop", "uvloop"),
            *("--http", "httptools", "--ws", "websockets-sansio"),
        )
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    for port in ports:
        wait_healthy(f"http://127.0.0.1:{port}")
    return processes


def wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server {base} did not start")


def cpu_seconds(processes) -> float:
    """User + system CPU the server processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def machine_busy_seconds() -> float:
    """CPU seconds every core spent busy so far (Linux /proc/stat: all but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def stop_servers(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# --- WebSocket clients -------------------------------------------------------------------------


class Sockets:
    """Every client's socket in one asyncio loop on its own thread, recording arrivals."""

    def __init__(self, tokens: dict[int, str], urls: list[str]):
        self.tokens = tokens
        self.urls = urls
        self.arrivals: dict[tuple[str, int], list[float]] = {}  # (client_msg_id, user) -> times
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.stop = None
        self.loop = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        if not self.ready.wait(60):
            raise SystemExit("sockets did not connect")

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self.stop = asyncio.Event()
        sockets = []
        for index, (user_id, token) in enumerate(self.tokens.items()):
            url = f"{self.urls[index % len(self.urls)]}/ws/?token={token}"
            sockets.append((user_id, await websockets.connect(url, max_queue=None)))
        readers = [asyncio.create_task(self._read(uid, ws)) for uid, ws in sockets]
        self.ready.set()
        await self.stop.wait()
        for _, ws in sockets:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)

    async def _read(self, user_id: int, socket) -> None:
        async for raw in socket:
            now = time.perf_counter()
            event = json.loads(raw)
            if event.get("type") != "message.created":
                continue
            key = (event["message"]["client_msg_id"], user_id)
            with self.lock:
                self.arrivals.setdefault(key, []).append(now)

    def snapshot(self) -> dict[tuple[str, int], list[float]]:
        with self.lock:
            return {key: list(times) for key, times in self.arrivals.items()}

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


# --- Senders -----------------------------------------------------------------------------------


def send_phase(*, name, plan, tokens, urls, senders, rate, started):
    """Post ``plan`` [(client_msg_id, conversation_id, sender_id)] from ``senders`` threads,
    at ``rate`` messages/s overall (0: unpaced). Records each POST's start time."""
    errors = Counter()
    interval = senders / rate if rate else 0.0

    def worker(index: int) -> None:
        # the standard library's client on one kept-alive connection: the bench's own CPU per
        # request is a fraction of ``requests``', leaving the cores to what is measured
        host, port = urls[index % len(urls)].removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = plan[index::senders]
        t0 = time.perf_counter()
        for n, (client_msg_id, conversation_id, sender_id) in enumerate(mine):
            if interval:
                delay = t0 + n * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            body = {"type": "text", "text": f"{name} {n}", "client_msg_id": client_msg_id}
            started[client_msg_id] = time.perf_counter()
            connection.request(
                "POST",
                f"/api/v1/conversations/{conversation_id}/messages",
                body=json.dumps(body),
                headers={
                    "Authorization": f"Bearer {tokens[sender_id]}",
                    "Content-Type": "application/json",
                },
            )
            response = connection.getresponse()
            response.read()
            if response.status != 201:
                errors[response.status] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(senders)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - t0, errors


def make_plan(name: str, count: int, conversations) -> list[tuple[str, int, int]]:
    plan = []
    for n in range(count):
        conversation_id, members = conversations[n % len(conversations)]
        sender = members[(n // len(conversations)) % len(members)]
        plan.append((f"{name}-{n}-{uuid.uuid4().hex[:8]}", conversation_id, sender))
    return plan


def expected_deliveries(plan, conversations) -> set[tuple[str, int]]:
    members = dict(conversations)
    return {(cmid, uid) for cmid, conversation_id, _ in plan for uid in members[conversation_id]}


def wait_for(sockets: Sockets, expected: set, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not expected <= sockets.snapshot().keys():
        time.sleep(0.2)


def latencies_ms(plan, arrivals, started) -> list[float]:
    """POST start -> arrival on each recipient's socket (the sender's own echo excluded)."""
    senders = {cmid: sender for cmid, _, sender in plan}
    return [
        (times[0] - started[cmid]) * 1000
        for (cmid, uid), times in arrivals.items()
        if cmid in senders and uid != senders[cmid]
    ]


def recovered_by_sync(missing: set, tokens, url: str) -> int:
    """How many socket-missed deliveries ``/api/v1/sync`` returns (all of them, or a bug)."""
    found = 0
    for uid in {uid for _, uid in missing}:
        wanted = {cmid for cmid, u in missing if u == uid}
        cursor, more = 0, True
        while more:
            page = requests.get(
                f"{url}/api/v1/sync",
                params={"cursor": cursor, "limit": 500},
                headers={"Authorization": f"Bearer {tokens[uid]}"},
                timeout=30,
            ).json()
            for event in page["events"]:
                if event["type"] == "message.created":
                    found += event["message"]["client_msg_id"] in wanted
            cursor, more = page["cursor"], page["has_more"]
    return found


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    args = parse_args()
    fresh_database("messaging_bench")  # the servers inherit its DATABASE_URL
    _, _, conversations, tokens = build_world(args.clients, args.group_size)
    ports = free_ports(args.servers)
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - stays open for the servers' lifetime
        "w", prefix="bench-messaging-", suffix=".log", delete=False
    )
    servers = start_servers(ports, log)
    sockets = Sockets(tokens, [u.replace("http", "ws", 1) for u in urls])
    started: dict[str, float] = {}
    try:
        sockets.start()
        time.sleep(0.5)

        warmup = make_plan("warmup", 50, conversations)
        send_phase(
            name="warmup",
            plan=warmup,
            tokens=tokens,
            urls=urls,
            senders=args.senders,
            rate=0,
            started=started,
        )

        max_plan = make_plan("max", args.messages, conversations)
        cpu_before, busy_before, own_before = (
            cpu_seconds(servers),
            machine_busy_seconds(),
            time.process_time(),
        )
        elapsed, max_errors = send_phase(
            name="max",
            plan=max_plan,
            tokens=tokens,
            urls=urls,
            senders=args.senders,
            rate=0,
            started=started,
        )
        rate = args.messages / elapsed
        wait_for(sockets, expected_deliveries(max_plan, conversations))
        server_cpu_ms = (cpu_seconds(servers) - cpu_before) * 1000 / args.messages
        busy_ms = (machine_busy_seconds() - busy_before) * 1000 / args.messages
        own_ms = (time.process_time() - own_before) * 1000 / args.messages

        paced_rate = rate * args.paced_fraction
        paced_plan = make_plan("paced", args.paced_messages or args.messages // 2, conversations)
        _, paced_errors = send_phase(
            name="paced",
            plan=paced_plan,
            tokens=tokens,
            urls=urls,
            senders=args.senders,
            rate=paced_rate,
            started=started,
        )
        expected = expected_deliveries(max_plan + paced_plan, conversations)
        wait_for(sockets, expected)
        time.sleep(1.0)  # late duplicates would show up now

        arrived = sockets.snapshot()
        missing = expected - arrived.keys()
        duplicated = sum(len(times) - 1 for times in arrived.values())
        lost_after_sync = len(missing) - recovered_by_sync(missing, tokens, urls[0])
        max_latency = latencies_ms(max_plan, arrived, started)
        paced_latency = latencies_ms(paced_plan, arrived, started)
    finally:
        if sockets.loop is not None:
            sockets.close()
        stop_servers(servers)
        log.close()

    print(f"servers={args.servers}")
    print(f"clients={args.clients}")
    print(f"group_size={args.group_size}")
    print(f"senders={args.senders}")
    print(f"messages={args.messages + len(paced_plan)}")
    print(f"http_errors={sum(max_errors.values()) + sum(paced_errors.values())}")
    print(f"messages_per_s={rate:.1f}")
    print(f"server_cpu_ms_per_message={server_cpu_ms:.1f}")
    print(f"bench_cpu_ms_per_message={own_ms:.1f}")
    print(f"machine_cpu_ms_per_message={busy_ms:.1f}")
    print(f"deliveries={len(expected)}")
    print(f"max_rate_delivery_p50_ms={percentile(max_latency, 0.50):.1f}")
    print(f"max_rate_delivery_p99_ms={percentile(max_latency, 0.99):.1f}")
    print(f"paced_messages_per_s={paced_rate:.1f}")
    print(f"delivery_p50_ms={percentile(paced_latency, 0.50):.1f}")
    print(f"delivery_p99_ms={percentile(paced_latency, 0.99):.1f}")
    print(f"delivery_mean_ms={statistics.fmean(paced_latency):.1f}")
    print(f"lost={len(missing)}")
    print(f"duplicated={duplicated}")
    print(f"lost_after_sync={lost_after_sync}")
    print(f"load_average_1m={os.getloadavg()[0]:.1f}")
    print(f"server_log={log.name}")


if __name__ == "__main__":
    main()
