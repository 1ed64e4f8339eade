"""Live room benchmark (not a test).

Starts ``--servers`` uvicorn processes of the ASGI app on PostgreSQL + Redis (set
``DATABASE_URL`` and ``REDIS_URL``; the bench runs on a fresh database next to it) and the
nginx-rtmp media server (``manage.py media_server``), all on free ports, and opens ``--viewers``
WebSocket viewers in ONE show's waiting room, spread over the servers and over
``--client-procs`` client processes (one asyncio loop each, the ``websockets`` library, no
compression). Then ffmpeg pushes a test pattern with the show's stream key, as OBS would:
``first_segment_ms`` is the push's start -> the first HLS segment listed and fetched;
``publish_to_live_ms`` is the push's start -> the ``show_live`` event reaching the
``--live-viewers``-th viewer (``publish_to_live_all_ms``: every viewer). For ``--seconds`` the
viewers then send ``--comments``
comments per second and a like storm of ``--likes`` likes per second (``--like-batch`` likes
per message, as a client batches taps); meanwhile the host starts a flash deal and, once its
countdown is over, ``--buyers`` viewers tap "buy" over HTTP at once, twice each.

Figures: ``comment_delivery_p99_ms`` is comment send -> arrival in a tick frame at each
observing viewer that got it (``--observe``, 10% of the viewers chosen at random, decode and
time their frames with the ``websockets`` client; the others drain theirs with
``DrainingViewer``, which steps over each frame's header; comments are sampled per tick above
``LIVE_COMMENTS_PER_TICK``); ``likes_per_s_absorbed`` is the like total the room reached
over the phase; ``deal_oversold`` counts units sold beyond the deal's quantity plus units
beyond any buyer's limit (must be 0).

    python bench/live.py [--viewers 5000] [--servers 2] [--client-procs 2] [--comments 40]
"""

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests
import websockets
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "superapp.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from _database import free_ports, fresh_database  # noqa: E402

from bench.messaging import start_servers, stop_servers, wait_healthy  # noqa: E402
from miniprograms.live.test_pattern import push  # noqa: E402
from miniprograms.live.test_pattern import stop as stop_push  # noqa: E402

HISTOGRAM_MS = 60_000
ADDRESS = {
    "name": "Bench",
    "phone": "+33100000000",
    "line1": "1 rue",
    "city": "Paris",
    "postal_code": "75001",
    "country": "FR",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=5000)
    parser.add_argument(
        "--live-viewers", type=int, default=2000, help="publish_to_live_ms: the n-th viewer told"
    )
    parser.add_argument("--servers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--client-procs", type=int, default=2, help="viewer client processes")
    parser.add_argument("--comments", type=float, default=40, help="comments per second")
    parser.add_argument("--likes", type=float, default=5000, help="likes per second")
    parser.add_argument("--like-batch", type=int, default=10, help="likes per like message")
    parser.add_argument("--seconds", type=float, default=30, help="length of the load phase")
    parser.add_argument("--buyers", type=int, default=150, help="viewers tapping the deal")
    parser.add_argument("--deal-quantity", type=int, default=100)
    parser.add_argument("--deal-limit", type=int, default=1, help="per-buyer limit")
    parser.add_argument(
        "--observe", type=float, default=0.1, help="share of viewers that time deliveries"
    )
    return parser.parse_args()


# --- World: a brand, its shop and product, a live show with the product pinned, viewers ----------


def build_world(viewers: int):
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from miniprograms.live import services as live
    from miniprograms.shop import services as shop
    from payments import services as payments
    from superapp.accounts.models import User
    from superapp.accounts.services import token_issue
    from superapp.official import services as official

    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:6]
    owner = User.objects.create(username=f"live_{run}_host", display_name="Host")
    brand = official.brand_create(actor=owner, name=f"Bench brand {run}")
    store = shop.shop_enable(actor=owner, brand_id=brand.pk)
    product = shop.product_create(
        actor=owner, shop_id=store.pk, handle="scarf", title="Scarf", option_names=["size"]
    )
    sku = shop.sku_create(
        actor=owner,
        shop_id=store.pk,
        product_id=product.pk,
        code="scarf-m",
        options={"size": "M"},
        stock=100_000,
        prices=[{"currency": "EUR", "amount": 2500}],
    )
    shop.product_publish(actor=owner, shop_id=store.pk, product_id=product.pk, published=True)
    show = live.show_create(
        actor=owner,
        brand_id=brand.pk,
        title="Bench live",
        starts_at=timezone.now() + timedelta(minutes=1),
        host=owner.username,
        product_ids=[product.pk],
    )
    _, stream_key = live.stream_key_rotate(actor=owner, show_id=show.pk)
    # ids restart with the fresh database: drop an earlier run's room counters in Redis
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    stale = list(client.scan_iter(f"{settings.LIVE_REDIS_PREFIX}:{show.pk}:*"))
    if stale:
        client.delete(*stale)
    users = User.objects.bulk_create(
        [User(username=f"live_{run}_{i}", display_name=f"V{i}") for i in range(viewers)]
    )
    tokens = [token_issue(user=u).access_token for u in users]
    payments.pin_set(actor=owner, pin="246810")
    return owner, show, sku, tokens, stream_key


# --- The media server and the push ------------------------------------------------------------


def start_media_server(plaza_url: str, log) -> tuple[subprocess.Popen, str, str]:
    """nginx-rtmp from ``manage.py media_server`` on free ports; returns it, the RTMP URL and
    the HTTP base. The servers must have been given the same LIVE_MEDIA_* environment."""
    rtmp_port, http_port = free_ports(2)
    command = [sys.executable, "manage.py", "media_server", "--rtmp-port", str(rtmp_port)]
    command += ["--http-port", str(http_port), "--plaza-url", plaza_url]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    media_url = f"http://127.0.0.1:{http_port}"
    wait_healthy(media_url)
    return process, f"rtmp://127.0.0.1:{rtmp_port}/live", media_url


def first_segment(playlist_url: str, timeout: float = 30) -> float:
    """Poll the playlist until a segment is listed and fetched whole; returns when (epoch)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = requests.get(playlist_url, timeout=2)
        names = [line for line in response.text.splitlines() if line.endswith(".ts")]
        if response.status_code == 200 and names:
            segment = requests.get(f"{playlist_url.rsplit('/', 1)[0]}/{names[0]}", timeout=2)
            if segment.status_code == 200 and segment.content:
                return time.time()
        time.sleep(0.02)
    raise SystemExit(f"no HLS segment at {playlist_url} within {timeout} s")


# --- Viewer clients (one process = one asyncio loop) --------------------------------------------


class DrainingViewer(asyncio.Protocol):
    """A viewer that only drains its frames: the WebSocket handshake, then each server frame's
    header read to step over it (a ping answered, a close honoured, the first ``show_live``
    timed), nothing decoded. The server does exactly the same work for it as for a browser;
    the bench's client processes, which share the machine's cores with the servers, spend a
    tenth of what the ``websockets`` library spends per frame, so they measure the servers
    rather than themselves."""

    def __init__(self, viewers: "Viewers") -> None:
        self.viewers = viewers
        self.buffer = bytearray()
        self.upgraded = asyncio.get_running_loop().create_future()
        self.waiting_live = True
        self.transport = None

    @classmethod
    async def connect(cls, url: str, viewers: "Viewers") -> "DrainingViewer":
        parts = urlsplit(url)
        loop = asyncio.get_running_loop()
        _, viewer = await loop.create_connection(lambda: cls(viewers), parts.hostname, parts.port)
        key = base64.b64encode(os.urandom(16)).decode()
        viewer.transport.write(
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        try:
            await asyncio.wait_for(viewer.upgraded, 60)
        except BaseException:
            viewer.transport.close()
            raise
        return viewer

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError("closed during the handshake"))
        else:
            self.viewers.closed += 1

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in self.buffer[: self.buffer.find(b"\r\n")]:
                self.upgraded.set_exception(ConnectionError("handshake refused"))
                self.transport.close()
                return
            del self.buffer[: end + 4]
            self.upgraded.set_result(None)
        self._step_over_frames()

    def _step_over_frames(self) -> None:
        buffer, position = self.buffer, 0
        while len(buffer) - position >= 2:
            opcode, length, header = buffer[position] & 0x0F, buffer[position + 1] & 0x7F, 2
            if length >= 126:
                header = 4 if length == 126 else 10
                if len(buffer) - position < header:
                    break
                length = int.from_bytes(buffer[position + 2 : position + header], "big")
            start = position + header
            if len(buffer) - start < length:
                break
            if opcode == 0x9:  # ping
                self._write(0xA, bytes(buffer[start : start + length]))
            elif opcode == 0x8:  # close
                self.transport.close()
            else:
                self.viewers.frames += 1
                if self.waiting_live and b'"show_live"' in buffer[start : start + length]:
                    self.viewers.told_live.append(time.time())
                    self.waiting_live = False
            position = start + length
        del buffer[:position]

    def _write(self, opcode: int, payload: bytes) -> None:
        """One client frame: FIN, masked with a zero key (so the payload goes as is)."""
        if self.transport.is_closing():
            raise ConnectionError("closed")
        size = len(payload)
        length = bytes([0x80 | size]) if size < 126 else bytes([0xFE]) + size.to_bytes(2, "big")
        self.transport.write(bytes([0x80 | opcode]) + length + bytes(4) + payload)

    async def send(self, text: str) -> None:
        self._write(0x1, text.encode())

    async def close(self) -> None:
        if not self.transport.is_closing():
            self._write(0x8, (1000).to_bytes(2, "big"))
            self.transport.close()


class Viewers:
    def __init__(self, urls: list[str], observe_fraction: float):
        self.urls, self.observe_fraction = urls, observe_fraction
        self.observers = 0
        self.sockets: list = []
        self.histogram = [0] * (HISTOGRAM_MS + 1)
        self.frames = 0
        self.max_viewers = 0
        self.last_likes = 0
        self.errors = 0
        self.closed = 0
        self.readers: list[asyncio.Task] = []
        self.told_live: list[float] = []  # when each viewer's show_live event arrived (epoch)

    async def open(self, parallel: int = 50) -> None:
        gate = asyncio.Semaphore(parallel)

        async def one(index, url):
            async with gate:
                # the first viewer always observes, the others at random
                observe = index == 0 or random.random() < self.observe_fraction
                for _attempt in range(5):
                    try:
                        if not observe:
                            return await DrainingViewer.connect(url, self)
                        socket = await connect(
                            url, compression=None, ping_interval=None, open_timeout=60
                        )
                        await socket.recv()  # welcome
                        # read from the start: a socket nobody reads stops answering pings
                        self.observers += 1
                        self.readers.append(asyncio.create_task(self.read(socket)))
                        return socket
                    except (OSError, websockets.WebSocketException, TimeoutError):
                        await asyncio.sleep(0.5)
                self.errors += 1
                return None

        opened = await asyncio.gather(*(one(i, url) for i, url in enumerate(self.urls)))
        self.sockets = [s for s in opened if s is not None]

    async def read(self, socket) -> None:
        """An observer decodes its frames and times the comments."""
        histogram = self.histogram
        waiting = True
        try:
            async for raw in socket:
                self.frames += 1
                if waiting and '"show_live"' in raw:
                    self.told_live.append(time.time())
                    waiting = False
                if '"type":"tick"' not in raw:
                    continue
                now = time.time() * 1000
                frame = json.loads(raw)
                self.max_viewers = max(self.max_viewers, frame["viewers"])
                self.last_likes = max(self.last_likes, frame["likes"])
                for comment in frame["comments"]:
                    sent = float(comment["text"].rsplit(" ", 1)[1])
                    histogram[min(int(now - sent), HISTOGRAM_MS)] += 1
        except websockets.ConnectionClosed:
            self.closed += 1

    async def send(self, message: dict) -> bool:
        try:
            await random.choice(self.sockets).send(json.dumps(message))
            return True
        except (websockets.ConnectionClosed, ConnectionError):
            return False

    async def load(self, seconds: float, comments: float, likes: float, batch: int) -> dict:
        """Send ``comments``/s and ``likes``/s (in messages of ``batch``) for ``seconds``."""
        sent_comments = sent_likes = 0
        step = 0.05
        started = time.monotonic()
        comment_credit = like_credit = 0.0
        while time.monotonic() - started < seconds:
            comment_credit += comments * step
            like_credit += likes * step / batch
            while comment_credit >= 1:
                comment_credit -= 1
                text = f"bench {time.time() * 1000:.1f}"
                if await self.send({"type": "comment", "text": text}):
                    sent_comments += 1
            while like_credit >= 1:
                like_credit -= 1
                if await self.send({"type": "like", "count": batch}):
                    sent_likes += batch
            await asyncio.sleep(step)
        return {"comments": sent_comments, "likes": sent_likes}


def client_process(urls, start_event, stop_event, args, share, results) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    async def main():
        viewers = Viewers(urls, args.observe)
        await viewers.open()
        results.put(("opened", len(viewers.sockets), viewers.errors))
        deadline = time.monotonic() + 120
        while len(viewers.told_live) < len(viewers.sockets) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        results.put(("live", viewers.told_live))
        while not start_event.is_set():
            await asyncio.sleep(0.1)
        frames_before = viewers.frames
        sent = await viewers.load(
            args.seconds, args.comments * share, args.likes * share, args.like_batch
        )
        sent["frames"] = viewers.frames - frames_before
        await asyncio.sleep(2.0)  # the last ticks arrive
        results.put(
            (
                "done",
                sent,
                viewers.histogram,
                viewers.frames,
                viewers.max_viewers,
                viewers.last_likes,
                viewers.closed,
                viewers.observers,
            )
        )
        while not stop_event.is_set():
            await asyncio.sleep(0.1)
        for socket in viewers.sockets:
            await socket.close()

    asyncio.run(main())


# --- The flash deal -----------------------------------------------------------------------------


def run_deal(owner, show, sku, tokens, args, bases) -> dict:
    from miniprograms.live import services as live
    from miniprograms.live.models import Deal, DealOrder

    live.pin_set(actor=owner, show_id=show.pk, product_id=sku.product_id)
    deal = live.deal_start(
        actor=owner,
        show_id=show.pk,
        sku_id=sku.pk,
        price=1900,
        quantity=args.deal_quantity,
        per_buyer_limit=args.deal_limit,
        countdown_seconds=10,
        window_minutes=5,
    )
    time.sleep(10.2)
    buyers = random.sample(range(len(tokens)), min(args.buyers, len(tokens)))
    taps = [b for b in buyers for _ in range(2)]
    random.shuffle(taps)
    statuses: dict[int, int] = {}

    def tap(index: int) -> None:
        try:
            answer = requests.post(
                f"{random.choice(bases)}/api/v1/live/shows/{show.pk}/deals/{deal.pk}/orders",
                json={"quantity": 1, "shipping_address": ADDRESS},
                headers={"Authorization": f"Bearer {tokens[index]}"},
                timeout=60,
            ).status_code
        except requests.RequestException:  # counted: a saturated server must not end the run
            answer = "timeout"
        statuses[answer] = statuses.get(answer, 0) + 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(tap, taps))
    elapsed = time.monotonic() - started
    deal.refresh_from_db()
    rows = list(DealOrder.objects.filter(deal=deal).values_list("buyer_id", "quantity"))
    per_buyer: dict[int, int] = {}
    for buyer, quantity in rows:
        per_buyer[buyer] = per_buyer.get(buyer, 0) + quantity
    sold = sum(per_buyer.values())
    over_limit = sum(max(0, q - deal.per_buyer_limit) for q in per_buyer.values())
    return {
        "deal_taps": len(taps),
        "deal_taps_per_s": round(len(taps) / elapsed, 1),
        "deal_statuses": statuses,
        "deal_units_sold": sold,
        "deal_quantity": deal.quantity,
        "deal_remaining": Deal.objects.get(pk=deal.pk).remaining,
        "deal_oversold": max(0, sold - deal.quantity) + over_limit,
    }


def progress(line: str) -> None:
    """Where the run is, for the person waiting (stderr: stdout carries the figures)."""
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def percentile(histogram: list[int], fraction: float) -> int:
    total = sum(histogram)
    if not total:
        return -1
    target, seen = fraction * total, 0
    for value, count in enumerate(histogram):
        seen += count
        if seen >= target:
            return value
    return HISTOGRAM_MS


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL")
    fresh_database("live_bench")  # the servers inherit its DATABASE_URL
    media_dir = tempfile.mkdtemp(prefix="plaza-live-bench-")
    ports = free_ports(args.servers)
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    os.environ["LIVE_COMMENTS_PER_MINUTE"] = "1000000"  # the servers inherit it
    os.environ["LIVE_MEDIA_DIR"] = media_dir
    os.environ["LIVE_MEDIA_CALLBACK_SECRET"] = secrets.token_urlsafe(24)
    owner, show, sku, tokens, stream_key = build_world(args.viewers)
    log = open(ROOT / "bench" / ".live-servers.log", "w")  # noqa: SIM115 - open while they run
    media, rtmp_url, media_url = start_media_server(bases[0], log)
    os.environ["LIVE_MEDIA_PUBLIC_URL"] = media_url
    servers = start_servers(ports, log)
    pusher = None
    try:
        ws_urls = [
            f"{bases[i % len(bases)].replace('http', 'ws')}/ws/live/{show.pk}/?token={token}"
            for i, token in enumerate(tokens)
        ]
        from django.db import connections

        connections.close_all()  # the client processes fork: they must not share it
        results = multiprocessing.Queue()
        start_event, stop_event = multiprocessing.Event(), multiprocessing.Event()
        procs = []
        share = 1 / args.client_procs
        connect_started = time.monotonic()
        progress(f"connecting {args.viewers:,} viewers over {args.client_procs} client processes")
        for p in range(args.client_procs):
            proc = multiprocessing.Process(
                target=client_process,
                args=(
                    ws_urls[p :: args.client_procs],
                    start_event,
                    stop_event,
                    args,
                    share,
                    results,
                ),
            )
            proc.start()
            procs.append(proc)
        opened = errors = 0
        for _ in procs:
            _, count, failed = results.get(timeout=900)
            opened, errors = opened + count, errors + failed
        connect_s = time.monotonic() - connect_started
        progress(f"{opened:,} viewers connected in {connect_s:.0f} s; the host pushes")

        # the host pushes: the show goes live, HLS is cut, the waiting room is told
        pushed_at = time.time()
        pusher = push(rtmp_url, stream_key, seconds=args.seconds + 120, size="640x360")
        segment_at = first_segment(f"{media_url}/hls/show-{show.pk}.m3u8")
        told = sorted(t for _ in procs for t in results.get(timeout=300)[1])
        nth = min(args.live_viewers, len(told))
        video = {
            "first_segment_ms": round((segment_at - pushed_at) * 1000),
            "publish_to_live_ms": round((told[nth - 1] - pushed_at) * 1000) if told else -1,
            "publish_to_live_viewers": nth,
            "publish_to_live_all_ms": round((told[-1] - pushed_at) * 1000) if told else -1,
            "viewers_told_live": len(told),
        }
        for name, value in video.items():  # now: a later failure must not lose them
            print(f"{name}={value}", flush=True)

        load_before = os.getloadavg()
        progress(f"load phase: {args.seconds:.0f} s of comments and likes, and the flash deal")
        start_event.set()
        deal = run_deal(owner, show, sku, tokens, args, bases)
        done = [results.get(timeout=args.seconds + 600) for _ in procs]
        stop_event.set()
        for proc in procs:
            proc.join(timeout=60)
    finally:
        if pusher is not None:
            stop_push(pusher)
        stop_servers(servers)
        stop_servers([media])
        log.close()
    histogram = [sum(column) for column in zip(*(d[2] for d in done), strict=True)]
    sent_comments = sum(d[1]["comments"] for d in done)
    sent_likes = sum(d[1]["likes"] for d in done)
    likes_total = max(d[5] for d in done)
    show.refresh_from_db()
    figures = {
        "viewers": opened,
        "viewer_connect_errors": errors,
        "connect_s": round(connect_s, 1),
        "servers": args.servers,
        "client_procs": args.client_procs,
        "room_viewer_count_seen": max(d[4] for d in done),
        "comments_sent": sent_comments,
        "comments_per_s": round(sent_comments / args.seconds, 1),
        "observing_viewers": sum(d[7] for d in done),
        "comment_deliveries_observed": sum(histogram),
        "comment_delivery_p50_ms": percentile(histogram, 0.5),
        "comment_delivery_p99_ms": percentile(histogram, 0.99),
        "comment_delivery_max_ms": percentile(histogram, 1.0),
        "frames_per_viewer_per_s": round(
            sum(d[1]["frames"] for d in done) / max(opened, 1) / args.seconds, 2
        ),
        "likes_sent": sent_likes,
        "likes_counted": likes_total,
        "likes_per_s_absorbed": round(likes_total / args.seconds),
        "likes_flushed_to_db": show.like_count,
        "peak_viewers_db": show.peak_viewers,
        "sockets_closed_by_server": sum(d[6] for d in done),
        "load_avg_before": "/".join(f"{x:.2f}" for x in load_before),
        "load_avg_after": "/".join(f"{x:.2f}" for x in os.getloadavg()),
        **deal,
    }
    for name, value in figures.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    main()
