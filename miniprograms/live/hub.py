"""The in-process room hub: the fan-out of a live room without a channel-layer message per
viewer.

Each process (more exactly each event loop) keeps one :class:`Hub`: room id → :class:`Room`,
which holds that process's viewer sockets. A comment goes to the room's bus ONCE
(``bus.py``: Redis pub/sub, one subscription per room per process, or in memory). Every tick
(``LIVE_TICK_MS``) the room sends ONE frame to each of its local viewers: the tick's comments
(sampled to ``LIVE_COMMENTS_PER_TICK``; a viewer's own comment always reaches them), the room's
like total and viewer count, and the tick's events (pins, deals, removals). Likes are counted
in memory and added to the room total (Redis ``INCRBY``) once per tick; comments and first-time
viewers are written in bulk every ``LIVE_FLUSH_SECONDS``. docs/live.md has the protocol."""

import asyncio
import json
import logging
import os
import random
import socket
import time
import weakref
from collections import defaultdict, deque
from datetime import UTC, datetime

import redis
import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from django.conf import settings

from miniprograms.live import bus, selectors, services

logger = logging.getLogger(__name__)
PROCESS = f"{socket.gethostname()}:{os.getpid()}"
VIEWER_HEARTBEAT_STALE_SECONDS = 10
ROOM_OPEN_WAIT_SECONDS = 2


class Room:
    def __init__(self, hub: "Hub", show_id: int, entry) -> None:
        self.hub, self.show_id = hub, show_id
        self.sockets: set = set()
        self.by_user: dict[int, set] = defaultdict(set)
        self.comments: list[dict] = []  # received from the bus since the last tick
        # what every viewer was last shown, for the welcome of those who join later
        self.latest = deque(entry.latest_comments, maxlen=settings.LIVE_WELCOME_COMMENTS)
        self.events: list[dict] = []
        self.own: dict[str, object] = {}  # comment id -> the local socket that wrote it
        self.local_likes = 0
        self.likes_total = entry.show.like_count
        self.viewers_total = 0
        self.peak = 0
        self.last_sent: tuple | None = None
        self.muted, self.banned = set(entry.muted_ids), set(entry.banned_ids)
        self.pin = services.product_card(entry.pin.product) if entry.pin else None
        self.deal = services.deal_payload(entry.deal) if entry.deal else None
        self.ended = False
        self.recent: dict[int, deque] = defaultdict(deque)  # per-viewer comment times
        self.to_persist: list[dict] = []
        self.removed: set[str] = set()
        self.new_viewers: dict[int, datetime] = {}
        self.last_flush = time.monotonic()
        self.task: asyncio.Task | None = None
        self.open = asyncio.Event()  # set once this process listens on the room's bus
        self.heard_while_catching_up: list[dict] | None = None

    # --- sockets ---------------------------------------------------------------------------

    def add(self, sock) -> None:
        self.sockets.add(sock)
        self.by_user[sock.user_id].add(sock)
        self.new_viewers.setdefault(sock.user_id, datetime.now(UTC))

    def discard(self, sock) -> None:
        self.sockets.discard(sock)
        self.by_user[sock.user_id].discard(sock)
        if not self.by_user[sock.user_id]:
            del self.by_user[sock.user_id]

    def comment_allowed(self, user_id: int) -> bool:
        """At most ``LIVE_COMMENTS_PER_MINUTE`` per viewer (per process: a viewer's sockets
        normally share one)."""
        times, now = self.recent[user_id], time.monotonic()
        while times and now - times[0] > 60:
            times.popleft()
        if len(times) >= settings.LIVE_COMMENTS_PER_MINUTE:
            return False
        times.append(now)
        return True

    async def comment(self, sock, text: str) -> dict:
        now = datetime.now(UTC)
        comment = {
            "id": os.urandom(12).hex(),
            "user": {"id": sock.user_id, "name": sock.display_name},
            "text": text,
            "at": now.isoformat(),
        }
        self.own[comment["id"]] = sock
        self.to_persist.append({**comment, "created_at": now})
        await self.listening()
        await self.hub.publish(self.show_id, {"k": "comment", "c": comment})
        return comment

    async def listening(self) -> None:
        """Wait (a little) until this process has subscribed to the room's bus: a comment
        published before that would not come back to this process's own viewers, its author
        included. A bus that does not open in time is not waited for again."""
        try:
            await asyncio.wait_for(self.open.wait(), timeout=ROOM_OPEN_WAIT_SECONDS)
        except TimeoutError:
            self.open.set()

    # --- bus -------------------------------------------------------------------------------

    def receive(self, message: dict) -> None:
        kind = message.get("k")
        if self.heard_while_catching_up is not None and kind in ("restrict", "unrestrict"):
            self.heard_while_catching_up.append(message)
        if kind == "comment":
            self.comments.append(message["c"])
        elif kind == "event":
            self._event(message["e"])
        elif kind == "restrict":
            self._restrict(message["user_id"], message["kind"])
        elif kind == "unrestrict":
            (self.muted if message["kind"] == "mute" else self.banned).discard(message["user_id"])
        elif kind == "end":
            self.events.append({"type": "show_ended"})
            self.ended = True

    def _event(self, event: dict) -> None:
        kind = event["type"]
        if kind == "pinned":
            self.pin = event["product"]
        elif kind == "deal_started":
            self.deal = event["deal"]
        elif kind == "deal_remaining" and self.deal and self.deal["id"] == event["deal_id"]:
            self.deal["remaining"] = min(self.deal["remaining"], event["remaining"])
        elif kind == "comment_removed":
            self.removed.add(event["id"])
            self.comments = [c for c in self.comments if c["id"] != event["id"]]
            self._keep_latest(c for c in self.latest if c["id"] != event["id"])
        elif kind == "comment_restored":
            self.removed.discard(event["id"])
            back = event.get("comment")
            if back and all(c["id"] != back["id"] for c in self.latest):
                self._keep_latest(sorted([*self.latest, back], key=lambda c: c["at"]))
        self.events.append(event)

    def _keep_latest(self, comments) -> None:
        self.latest = deque(comments, maxlen=self.latest.maxlen)

    async def _catch_up_restrictions(self) -> None:
        """A mute or ban published after the first viewer's read of the room but before this
        process listened on the room's bus reached nobody here: read them again now that it
        listens (a later one arrives on the bus), and remove a viewer banned meanwhile. What
        the bus says while the read runs is newer than the read, so it is applied again on
        top: a lift heard meanwhile is not undone by a read from before it."""
        self.heard_while_catching_up = []
        try:
            muted, banned = await database_sync_to_async(selectors.room_restrictions)(
                show_id=self.show_id
            )
        finally:
            heard, self.heard_while_catching_up = self.heard_while_catching_up, None
        before = self.banned
        self.muted, self.banned = muted, banned
        for message in heard:
            self.receive(message)
        for user_id in self.banned - before:
            self._restrict(user_id, "ban")

    def _restrict(self, user_id: int, kind: str) -> None:
        if kind == "mute":
            self.muted.add(user_id)
            return
        self.banned.add(user_id)
        for sock in list(self.by_user.get(user_id, ())):
            sock.kick(4403)

    # --- ticks -----------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            await self.hub.transport.open(self)
            await self._catch_up_restrictions()
            self.open.set()
            idle = 0
            loop, period = asyncio.get_running_loop(), settings.LIVE_TICK_MS / 1000
            next_tick = loop.time()
            while True:
                # a fixed rate: the tick's own work (thousands of sends) does not stretch
                # the period; a room that fell a whole period behind starts afresh
                next_tick = max(next_tick + period, loop.time())
                await asyncio.sleep(next_tick - loop.time())
                try:
                    await self.tick()
                    if self.ended or time.monotonic() - self.last_flush >= (
                        settings.LIVE_FLUSH_SECONDS
                    ):
                        await self.flush()
                except Exception:  # a hiccup (Redis, database) must not end the room
                    logger.exception("live room tick failed", extra={"show_id": self.show_id})
                idle = 0 if self.sockets else idle + 1
                if self.ended or idle >= 2:
                    await self.flush()
                    if not self.sockets or self.ended:
                        break
        finally:
            await self.hub.transport.close(self)
            if self.hub.rooms.get(self.show_id) is self:
                del self.hub.rooms[self.show_id]

    async def tick(self) -> None:
        likes, self.local_likes = self.local_likes, 0
        self.likes_total, self.viewers_total = await self.hub.transport.counters(
            self, likes=likes, local_viewers=len(self.sockets)
        )
        self.peak = max(self.peak, self.viewers_total)
        comments, self.comments = self.comments, []
        events, self.events = self.events, []
        counts = (self.likes_total, self.viewers_total)
        if not comments and not events and counts == self.last_sent:
            return
        self.last_sent = counts
        limit = settings.LIVE_COMMENTS_PER_TICK
        if len(comments) > limit:
            keep = set(random.sample(range(len(comments)), limit))
            sampled = [c for i, c in enumerate(comments) if i in keep]
            dropped = [c for i, c in enumerate(comments) if i not in keep]
        else:
            sampled, dropped = comments, []
        for c in sampled:
            self.own.pop(c["id"], None)
        self.latest.extend(sampled)
        extra: dict[object, list[dict]] = defaultdict(list)
        for c in dropped:
            author = self.own.pop(c["id"], None)
            if author is not None:
                extra[author].append(c)
        frame = {
            "type": "tick",
            "comments": sampled,
            "likes": self.likes_total,
            "viewers": self.viewers_total,
            "events": events,
        }
        # serialised once; one ASGI message object shared by every local viewer's send
        message = send_message(frame)
        for sock in list(self.sockets):
            if sock in extra:
                sock.push(send_message({**frame, "comments": sampled + extra[sock]}))
            else:
                sock.push(message)
        if self.ended:
            for sock in list(self.sockets):
                sock.kick(1000)

    async def flush(self) -> None:
        comments, self.to_persist = self.to_persist, []
        viewers, self.new_viewers = self.new_viewers, {}
        self.last_flush = time.monotonic()
        await database_sync_to_async(services.room_flush)(
            show_id=self.show_id,
            comments=comments,
            removed=set(self.removed),
            viewers=viewers,
            likes_total=self.likes_total,
            peak_viewers=self.peak,
        )


def send_message(frame: dict) -> dict:
    """The ASGI ``websocket.send`` message carrying ``frame`` as a JSON text frame."""
    return {"type": "websocket.send", "text": json.dumps(frame, separators=(",", ":"))}


class MemoryTransport:
    """One process: the bus is a function call and the counters are the room's own."""

    async def open(self, room: Room) -> None:
        return None

    async def close(self, room: Room) -> None:
        return None

    async def publish(self, show_id: int, message: dict) -> None:
        deliver_everywhere(show_id, message)

    async def counters(self, room: Room, *, likes: int, local_viewers: int) -> tuple[int, int]:
        return room.likes_total + likes, local_viewers


class RedisTransport:
    """Several processes: one pub/sub subscription per room per process; the like total is a
    Redis counter, the viewer count the sum of each process's fresh count (a hash field per
    process, stamped with the time, so a crashed process stops counting after a few seconds)."""

    def __init__(self) -> None:
        self.client = aioredis.Redis.from_url(settings.REDIS_URL)
        self.readers: dict[int, tuple] = {}

    async def open(self, room: Room) -> None:
        await self.client.set(bus.key(room.show_id, "likes"), room.likes_total, nx=True)
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(bus.channel(room.show_id))
        self.readers[room.show_id] = (pubsub, asyncio.create_task(self._read(pubsub, room)))

    async def _read(self, pubsub, room: Room) -> None:
        """Hand the room what its channel carries. redis-py reconnects and resubscribes a
        pub/sub by itself on the next read after a connection error; this only waits a second
        between attempts (messages published meanwhile are lost: pushes are hints)."""
        while True:
            try:
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        room.receive(json.loads(message["data"]))
            except (redis.RedisError, OSError):
                logger.warning("live room subscription lost", extra={"show_id": room.show_id})
                await asyncio.sleep(1)

    async def close(self, room: Room) -> None:
        pubsub, reader = self.readers.pop(room.show_id, (None, None))
        if reader is None:
            return
        reader.cancel()
        try:
            await pubsub.unsubscribe()
            await pubsub.aclose()
        except (redis.RedisError, OSError):
            logger.warning("live room unsubscribe failed", exc_info=True)

    async def publish(self, show_id: int, message: dict) -> None:
        await self.client.publish(bus.channel(show_id), json.dumps(message))

    async def counters(self, room: Room, *, likes: int, local_viewers: int) -> tuple[int, int]:
        likes_key, viewers_key = bus.key(room.show_id, "likes"), bus.key(room.show_id, "viewers")
        now = time.time()
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.incrby(likes_key, likes)
            pipe.hset(viewers_key, PROCESS, f"{local_viewers}:{now:.0f}")
            pipe.hgetall(viewers_key)
            pipe.expire(likes_key, 86400)
            pipe.expire(viewers_key, 86400)
            total_likes, _, per_process, _, _ = await pipe.execute()
        viewers = 0
        for value in per_process.values():
            count, stamp = value.decode().split(":")
            if now - float(stamp) < VIEWER_HEARTBEAT_STALE_SECONDS:
                viewers += int(count)
        return int(total_likes), viewers


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.rooms: dict[int, Room] = {}
        self.transport = RedisTransport() if settings.LIVE_HUB_BUS == "redis" else MemoryTransport()

    def join(self, show_id: int, sock, entry) -> Room:
        room = self.rooms.get(show_id)
        if room is None:
            room = self.rooms[show_id] = Room(self, show_id, entry)
            room.task = asyncio.create_task(room.run())
        room.add(sock)
        return room

    async def publish(self, show_id: int, message: dict) -> None:
        await self.transport.publish(show_id, message)


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def current_hub() -> Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(loop)
    return hub


def deliver_everywhere(show_id: int, message: dict) -> None:
    """In-memory bus: hand a message to the room in every hub of this process, from any
    thread (services publish from worker threads)."""
    for loop, hub in list(_hubs.items()):
        if hub.rooms.get(show_id) is None or loop.is_closed():
            continue
        loop.call_soon_threadsafe(_deliver, hub, show_id, message)


def _deliver(hub: Hub, show_id: int, message: dict) -> None:
    room = hub.rooms.get(show_id)
    if room is not None:
        room.receive(message)
