"""The room socket /ws/live/<show_id>/: joining, one frame per tick with the comments, the
like total and the viewer count; moderation (mute, ban, removal), the word filter and the
limits; pins and deals pushed to every viewer; comment-to-buy. On the Redis hub (several
processes' shape) and on the in-memory hub (embedded default)."""

import asyncio
import json
import uuid
from datetime import timedelta

import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.utils import timezone

from miniprograms.live import bus, selectors, services
from miniprograms.live.hub import MemoryTransport, RedisTransport, current_hub
from miniprograms.live.models import Comment, Show, Viewer
from superapp.asgi import application
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.live.factories import live_world, start_deal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_worker_thread_connections():
    """The room's database work runs in the sync worker thread: close its connection when
    the test ends, so the test database can be dropped."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture(params=["redis", "memory"])
def hub_bus(request, settings):
    settings.LIVE_HUB_BUS = request.param
    settings.LIVE_TICK_MS = 50
    settings.LIVE_FLUSH_SECONDS = 0.2
    return request.param


@pytest.fixture
def slow_subscription(hub_bus, monkeypatch):
    """The room's bus subscription takes half a second to come up, as on a loaded Redis (a
    delay that stands for the network, not one that waits for something)."""
    transport = RedisTransport if hub_bus == "redis" else MemoryTransport
    subscribe = transport.open

    async def slow_open(self, room):
        await asyncio.sleep(0.5)
        await subscribe(self, room)

    monkeypatch.setattr(transport, "open", slow_open)


@pytest.fixture
def fast_ticks(settings):
    settings.LIVE_TICK_MS = 50
    settings.LIVE_FLUSH_SECONDS = 0.2


class Viewer_:
    def __init__(self, user, communicator, welcome):
        self.user, self.socket, self.welcome = user, communicator, welcome

    async def send(self, **message):
        await self.socket.send_json_to(message)

    async def frame(self, match=lambda f: True, timeout=20.0) -> dict:
        """The next frame that satisfies ``match`` (earlier ones are skipped). The timeout
        only bounds a failure, as ``until``'s does."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            frame = await self.socket.receive_json_from(timeout=max(left, 0.01))
            if match(frame):
                return frame


async def connect(show_id: int, user=None):
    user = user or await sync_to_async(UserFactory)()
    token = (await sync_to_async(consumer_client)(user)).access_token
    communicator = WebsocketCommunicator(application, f"/ws/live/{show_id}/?token={token}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected, "refusals are accepted and closed with their code (docs/live.md)"
    first = await communicator.receive_output(timeout=5)
    if first["type"] == "websocket.close":
        return user, first["code"]
    return Viewer_(user, communicator, json.loads(first["text"])), None


async def join(show_id: int, user=None) -> Viewer_:
    viewer, code = await connect(show_id, user)
    assert code is None, f"refused with {code}"
    return viewer


async def leave_all(show_id: int, *viewers) -> None:
    """Disconnect, then wait for the room to close (its last flush included)."""
    for viewer in viewers:
        await viewer.socket.disconnect()
    for _ in range(200):
        if show_id not in current_hub().rooms:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the room did not close")


async def until(condition, timeout: float = 20.0) -> None:
    """Wait until ``condition()`` (or the coroutine it returns) holds: a state the test can
    observe (the room's own sets, a stored row), polled, never a guessed sleep. The timeout
    only bounds a failure: a busy machine (two workers, a browser) can take seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await _value(condition()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.01)


async def _value(result):
    return await result if asyncio.iscoroutine(result) else result


async def viewers_told(viewer: Viewer_) -> int:
    """The viewer count this viewer was last told: its welcome's, or its latest frame's. A
    tick sends a frame only when a count changed, so a count that went up and back down
    between two ticks sends none: the welcome's still holds."""
    count = viewer.welcome["viewers"]
    while not viewer.socket.output_queue.empty():
        frame = json.loads((await viewer.socket.receive_output())["text"])
        count = frame.get("viewers", count)
    return count


def comments_of(frame) -> list[str]:
    return [c["text"] for c in frame.get("comments", [])]


def with_comment(text):
    return lambda f: f["type"] == "tick" and text in comments_of(f)


async def world_():
    return await sync_to_async(live_world)()


async def test_viewers_join_see_the_pin_and_one_another_and_get_comments_and_likes(hub_bus):
    world = await world_()
    alice, bob = await join(world.show.pk), await join(world.show.pk)
    assert alice.welcome["type"] == "welcome"
    assert alice.welcome["show"]["stream_url"] == world.show.stream_url
    assert alice.welcome["pinned"]["id"] == world.product.pk
    await bob.frame(lambda f: f["type"] == "tick" and f["viewers"] == 2)
    await alice.send(type="comment", text="Love the colour")
    for viewer in (alice, bob):
        frame = await viewer.frame(with_comment("Love the colour"))
        assert frame["comments"][0]["user"]["id"] == alice.user.pk
    for _ in range(3):
        await bob.send(type="like", count=5)
    await alice.send(type="like")
    await alice.frame(lambda f: f["type"] == "tick" and f["likes"] == 16)
    await leave_all(world.show.pk, alice, bob)
    show = await sync_to_async(Show.objects.get)(pk=world.show.pk)
    assert (show.like_count, show.peak_viewers) == (16, 2)
    assert await sync_to_async(Viewer.objects.filter(show=show).count)() == 2
    assert await sync_to_async(Comment.objects.filter(show=show).count)() == 1


async def test_sockets_without_a_token_or_for_an_unknown_or_ended_show_are_refused(fast_ticks):
    world = await world_()
    communicator = WebsocketCommunicator(application, f"/ws/live/{world.show.pk}/")
    assert await communicator.connect(timeout=5) == (True, None)
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    _, code = await connect(999_999)
    assert code == 4404
    await sync_to_async(services.show_end)(actor=world.host, show_id=world.show.pk)
    _, code = await connect(world.show.pk)
    assert code == 4410


async def test_the_word_filter_the_length_limit_and_the_rate_limit(settings, fast_ticks):
    settings.LIVE_WORD_FILTER = ["scam"]
    settings.LIVE_COMMENT_MAX_LENGTH = 20
    settings.LIVE_COMMENTS_PER_MINUTE = 2
    world = await world_()
    viewer = await join(world.show.pk)
    errors = lambda f: f["type"] == "error"  # noqa: E731
    await viewer.send(type="comment", text="total SCAM!")
    assert (await viewer.frame(errors))["code"] == "comment_filtered"
    await viewer.send(type="comment", text="x" * 21)
    assert (await viewer.frame(errors))["code"] == "comment_too_long"
    await viewer.send(type="comment", text="   ")
    assert (await viewer.frame(errors))["code"] == "comment_empty"
    await viewer.send(type="comment", text="Scampi tonight?")  # a word, not a substring
    await viewer.frame(with_comment("Scampi tonight?"))
    await viewer.send(type="comment", text="second")
    await viewer.send(type="comment", text="third")
    assert (await viewer.frame(errors))["code"] == "rate_limited"
    await viewer.send(type="dance")
    assert (await viewer.frame(errors))["code"] == "unknown_command"
    await leave_all(world.show.pk, viewer)


async def test_a_ping_is_answered_and_a_frame_that_is_not_json_is_an_unknown_command(fast_ticks):
    world = await world_()
    viewer = await join(world.show.pk)
    await viewer.send(type="ping")
    assert await viewer.frame(lambda f: f["type"] != "tick") == {"type": "pong"}
    await viewer.socket.send_to(text_data="{not json")
    assert await viewer.frame(lambda f: f["type"] != "tick") == {
        "type": "error",
        "code": "unknown_command",
    }
    await leave_all(world.show.pk, viewer)


async def test_a_like_counts_one_to_the_cap_and_a_bad_count_adds_nothing(settings, fast_ticks):
    settings.LIVE_LIKES_PER_MESSAGE = 50
    world = await world_()
    viewer = await join(world.show.pk)
    for bad in (0, -3, "many", 2.5, None):
        await viewer.send(type="like", count=bad)
    await viewer.send(type="like")
    assert (await viewer.frame(lambda f: f["type"] == "tick" and f["likes"] > 0))["likes"] == 1
    await viewer.send(type="like", count=10_000)
    assert (await viewer.frame(lambda f: f["type"] == "tick" and f["likes"] > 1))["likes"] == 51
    await leave_all(world.show.pk, viewer)


async def test_a_muted_viewer_watches_but_cannot_comment(hub_bus):
    world = await world_()
    viewer = await join(world.show.pk)
    await sync_to_async(services.restriction_add)(
        actor=world.moderator, show_id=world.show.pk, username=viewer.user.username, kind="mute"
    )
    await until(lambda: viewer.user.pk in current_hub().rooms[world.show.pk].muted)
    await viewer.send(type="comment", text="hello?")
    assert (await viewer.frame(lambda f: f["type"] == "error"))["code"] == "muted"
    await leave_all(world.show.pk, viewer)


async def test_a_banned_viewer_is_removed_and_cannot_rejoin(hub_bus):
    world = await world_()
    troll, other = await join(world.show.pk), await join(world.show.pk)
    await sync_to_async(services.restriction_add)(
        actor=world.host, show_id=world.show.pk, username=troll.user.username, kind="ban"
    )
    # the timeouts only bound a failure: a busy machine (two workers, a browser) takes seconds
    output = await troll.socket.receive_output(timeout=20)
    while output["type"] != "websocket.close":
        output = await troll.socket.receive_output(timeout=20)
    assert output["code"] == 4403
    _, code = await connect(world.show.pk, troll.user)
    assert code == 4403
    room = current_hub().rooms[world.show.pk]
    await until(lambda: len(room.sockets) == 1 and room.viewers_total == 1)
    assert await viewers_told(other) == 1
    await leave_all(world.show.pk, other)


async def test_a_ban_published_before_the_room_listens_still_removes_the_viewer(
    hub_bus, monkeypatch
):
    """The first viewer's join reads the room, then the room starts listening on its bus: a
    ban in between is read again once it listens."""
    world = await world_()
    troll = await sync_to_async(UserFactory)()
    transport = current_hub().transport
    listen = transport.open

    async def listen_after_a_ban(room):
        await sync_to_async(services.restriction_add)(
            actor=world.host, show_id=world.show.pk, username=troll.username, kind="ban"
        )
        await listen(room)

    monkeypatch.setattr(transport, "open", listen_after_a_ban)
    viewer, code = await connect(world.show.pk, troll)
    if code is None:  # welcomed before the room caught up: removed right after
        output = await viewer.socket.receive_output(timeout=20)
        while output["type"] != "websocket.close":
            output = await viewer.socket.receive_output(timeout=20)
        code = output["code"]
    assert code == 4403
    await until(lambda: world.show.pk not in current_hub().rooms)


async def test_a_lift_heard_while_the_room_reads_its_restrictions_is_not_undone(
    hub_bus, monkeypatch
):
    """The room's catch-up read can start before a lift and end after the bus delivered
    it: the lift still holds once the read is applied."""
    world = await world_()
    viewer_user = await sync_to_async(UserFactory)()
    show_id, name = world.show.pk, viewer_user.username
    await sync_to_async(services.restriction_add)(
        actor=world.host, show_id=show_id, username=name, kind="mute"
    )
    read, reads = selectors.room_restrictions, []

    def read_then_lift_after_the_catch_up(*, show_id):
        """The viewer's join reads first, the room's catch-up second."""
        restrictions = read(show_id=show_id)
        reads.append(set(restrictions[0]))
        if len(reads) == 2:
            services.restriction_remove(
                actor=world.host, show_id=show_id, username=name, kind="mute"
            )
        return restrictions

    monkeypatch.setattr(selectors, "room_restrictions", read_then_lift_after_the_catch_up)
    viewer = await join(show_id, viewer_user)
    room = current_hub().rooms[show_id]
    await until(lambda: room.open.is_set())
    assert viewer_user.pk in reads[1], "the catch-up read the mute, from before the lift"
    await until(lambda: viewer_user.pk not in room.muted)
    await viewer.send(type="comment", text="heard again")
    await viewer.frame(with_comment("heard again"))
    await leave_all(show_id, viewer)


async def test_lifting_a_mute_or_a_ban_lets_the_viewer_comment_and_rejoin(hub_bus):
    world = await world_()
    viewer = await join(world.show.pk)
    show_id, name = world.show.pk, viewer.user.username
    await sync_to_async(services.restriction_add)(
        actor=world.host, show_id=show_id, username=name, kind="mute"
    )
    await until(lambda: viewer.user.pk in current_hub().rooms[show_id].muted)
    await sync_to_async(services.restriction_remove)(
        actor=world.host, show_id=show_id, username=name, kind="mute"
    )
    await until(lambda: viewer.user.pk not in current_hub().rooms[show_id].muted)
    await viewer.send(type="comment", text="back again")
    await viewer.frame(with_comment("back again"))

    watcher = await join(world.show.pk)
    await sync_to_async(services.restriction_add)(
        actor=world.host, show_id=show_id, username=name, kind="ban"
    )
    output = await viewer.socket.receive_output(timeout=5)
    while output["type"] != "websocket.close":
        output = await viewer.socket.receive_output(timeout=5)
    await sync_to_async(services.restriction_remove)(
        actor=world.host, show_id=show_id, username=name, kind="ban"
    )
    await until(lambda: viewer.user.pk not in current_hub().rooms[show_id].banned)
    rejoined = await join(show_id, viewer.user)
    assert rejoined.welcome["type"] == "welcome"
    await leave_all(show_id, rejoined, watcher)


async def test_an_undone_removal_brings_the_comment_back_to_viewers(hub_bus):
    world = await world_()
    viewer = await join(world.show.pk)
    await viewer.send(type="comment", text="keep me")
    comment = (await viewer.frame(with_comment("keep me")))["comments"][0]
    await until(sync_to_async(Comment.objects.filter(public_id=comment["id"]).exists))
    await sync_to_async(services.comment_remove)(
        actor=world.host, show_id=world.show.pk, comment_id=comment["id"]
    )
    await viewer.frame(lambda f: f["type"] == "tick" and f["events"])
    after_removal = await join(world.show.pk)
    assert "keep me" not in comments_of(after_removal.welcome)
    await sync_to_async(services.comment_restore)(
        actor=world.host, show_id=world.show.pk, comment_id=comment["id"]
    )
    frame = await viewer.frame(lambda f: f["type"] == "tick" and f["events"])
    assert frame["events"] == [
        {"type": "comment_restored", "id": comment["id"], "comment": comment}
    ]
    after_restore = await join(world.show.pk)
    assert comments_of(after_restore.welcome) == ["keep me"]
    await leave_all(world.show.pk, viewer, after_removal, after_restore)
    kept = await sync_to_async(Comment.objects.get)(public_id=comment["id"])
    assert kept.removed_at is None


async def test_a_viewer_who_joins_later_is_welcomed_with_the_latest_comments(hub_bus):
    """A moderator who opens the room late sees what was said, and can act on it."""
    world = await world_()
    alice = await join(world.show.pk)
    await alice.send(type="comment", text="first!")
    await alice.send(type="comment", text="second")
    await alice.frame(with_comment("second"))
    moderator = await join(world.show.pk, world.moderator)
    assert comments_of(moderator.welcome) == ["first!", "second"]
    assert moderator.welcome["comments"][0]["user"]["id"] == alice.user.pk
    await leave_all(world.show.pk, alice, moderator)


def stored_comments(show, texts: list[str], removed: set[str]) -> None:
    author, start = UserFactory(), timezone.now() - timedelta(minutes=10)
    Comment.objects.bulk_create(
        Comment(
            show=show,
            public_id=uuid.uuid4().hex,
            user=author,
            text=text,
            created_at=start + timedelta(seconds=i),
            removed_at=start if text in removed else None,
        )
        for i, text in enumerate(texts)
    )


async def test_the_first_viewer_of_a_room_is_welcomed_with_the_latest_stored_comments(
    hub_bus, settings
):
    """The room opens in this process with the first viewer: its welcome carries the latest
    stored comments (the last ``LIVE_WELCOME_COMMENTS``), removed ones left out."""
    settings.LIVE_WELCOME_COMMENTS = 2
    world = await world_()
    await sync_to_async(stored_comments)(
        world.show, ["oldest", "older", "taken down", "newest"], removed={"taken down"}
    )
    viewer = await join(world.show.pk)
    assert comments_of(viewer.welcome) == ["older", "newest"]
    await leave_all(world.show.pk, viewer)


async def test_a_viewer_hears_what_is_pushed_the_moment_after_its_welcome(slow_subscription):
    """The first viewer's welcome waits for the room's bus subscription (slowed down here): a
    pin set right after the welcome still arrives."""
    world = await world_()
    viewer = await join(world.show.pk)
    await sync_to_async(services.pin_set)(
        actor=world.host, show_id=world.show.pk, product_id=world.product.pk
    )
    frame = await viewer.frame(lambda f: f["type"] == "tick" and f["events"], timeout=5)
    assert frame["events"][0]["type"] == "pinned"
    await leave_all(world.show.pk, viewer)


async def test_pins_deals_and_removals_reach_every_viewer(hub_bus):
    world = await world_()
    viewer = await join(world.show.pk)
    await sync_to_async(services.pin_set)(
        actor=world.host, show_id=world.show.pk, product_id=world.product.pk
    )
    frame = await viewer.frame(lambda f: f["type"] == "tick" and f["events"])
    assert frame["events"][0] == {
        "type": "pinned",
        "product": {"id": world.product.pk, "title": world.product.title, "image": ""},
    }
    deal = await sync_to_async(start_deal)(world, keyword="grab")
    frame = await viewer.frame(lambda f: f["type"] == "tick" and f["events"])
    assert frame["events"][0]["type"] == "deal_started"
    assert frame["events"][0]["deal"]["id"] == deal.pk
    await viewer.send(type="comment", text="oops")
    comment = (await viewer.frame(with_comment("oops")))["comments"][0]
    stored = sync_to_async(Comment.objects.filter(public_id=comment["id"]).exists)
    await until(stored)  # flushed
    await sync_to_async(services.comment_remove)(
        actor=world.moderator, show_id=world.show.pk, comment_id=comment["id"]
    )
    frame = await viewer.frame(lambda f: f["type"] == "tick" and f["events"])
    assert frame["events"] == [{"type": "comment_removed", "id": comment["id"]}]
    await leave_all(world.show.pk, viewer)
    removed = await sync_to_async(Comment.objects.get)(public_id=comment["id"])
    assert removed.removed_at is not None


async def test_commenting_the_deal_keyword_brings_a_checkout_card(fast_ticks):
    world = await world_()
    deal = await sync_to_async(start_deal)(world, per_buyer_limit=3)
    viewer = await join(world.show.pk)
    assert viewer.welcome["deal"]["id"] == deal.pk
    await viewer.send(type="comment", text="buy 2")
    card = await viewer.frame(lambda f: f["type"] == "checkout_card")
    assert card["quantity"] == 2
    assert card["checkout"]["path"] == (
        f"/api/v1/live/shows/{world.show.pk}/deals/{deal.pk}/orders"
    )
    await viewer.send(type="comment", text="BUY 9")
    assert (await viewer.frame(lambda f: f["type"] == "checkout_card"))["quantity"] == 3
    await leave_all(world.show.pk, viewer)


async def test_comments_are_sampled_per_tick_but_each_viewer_sees_their_own(settings, hub_bus):
    settings.LIVE_COMMENTS_PER_TICK = 2
    settings.LIVE_TICK_MS = 300
    world = await world_()
    viewers = [await join(world.show.pk) for _ in range(6)]
    await asyncio.gather(*(v.send(type="comment", text=f"from {i}") for i, v in enumerate(viewers)))
    for i, viewer in enumerate(viewers):
        frame = await viewer.frame(with_comment(f"from {i}"))
        assert len(frame["comments"]) <= 3
    await leave_all(world.show.pk, *viewers)
    count = await sync_to_async(Comment.objects.filter(show_id=world.show.pk).count)()
    assert count == 6


async def test_a_comment_sent_the_moment_the_room_opens_reaches_its_author(slow_subscription):
    """The first viewer's join creates the room and its bus subscription; a comment sent
    before the subscription is up (slowed down here) waits for it instead of being published
    into nobody's ears."""
    world = await world_()
    viewer = await join(world.show.pk)
    await viewer.send(type="comment", text="first!")
    await viewer.frame(with_comment("first!"))
    await leave_all(world.show.pk, viewer)


async def test_a_comment_is_one_redis_publish_however_many_viewers_watch(settings, fast_ticks):
    """The fan-out is per process: a comment crosses Redis ONCE (one PUBLISH to the room's
    channel, which this process reads through ONE subscription), then the process writes it
    to each of its local sockets. Redis's MONITOR sees every command: were a viewer to get a
    Redis message of its own (a channel-layer group_send, a publish per socket), the comment's
    text would cross Redis once per viewer."""
    settings.LIVE_HUB_BUS = "redis"
    world = await world_()
    viewers = [await join(world.show.pk) for _ in range(12)]
    channel = bus.channel(world.show.pk)
    client = aioredis.Redis.from_url(settings.REDIS_URL)
    numsub = dict(await client.pubsub_numsub(channel))
    assert numsub[channel.encode()] == 1, "one subscription per process, not per viewer"
    marker, done = f"hello {uuid.uuid4().hex}", f"done {uuid.uuid4().hex}"
    async with client.monitor() as monitor:
        await viewers[0].send(type="comment", text=marker)
        for viewer in viewers:
            await viewer.frame(with_comment(marker))
        await client.echo(done)  # MONITOR lists commands in order: everything before is seen
        carrying = []
        async for command in monitor.listen():
            if done in command["command"]:
                break
            if marker in command["command"]:
                carrying.append(command["command"])
    await client.aclose()
    assert len(carrying) == 1, carrying
    assert carrying[0].startswith(f"PUBLISH {channel} ")
    await leave_all(world.show.pk, *viewers)
