"""After the show: the replay (stream URL and the pin timeline) and the statistics, exact
for audience (flushed by every process's hub) and sales (paid orders placed in the show)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from miniprograms.live import privacy, services
from miniprograms.live.models import Pin, Show
from miniprograms.shop import services as shop_services
from miniprograms.shop.models import Order
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.live.factories import live_world, open_deal
from tests.miniprograms.live.test_deals import buy
from tests.miniprograms.shop.factories import after_commit, checkout, pay

pytestmark = pytest.mark.django_db


def comment(user, text="hi", **extra) -> dict:
    return {
        "id": f"{user.pk}-{text}",
        "user": {"id": user.pk, "name": user.username},
        "text": text,
        "created_at": timezone.now(),
        **extra,
    }


def test_stats_count_audience_from_every_flush_and_only_paid_show_orders():
    world = live_world()
    ann, ben, cat, dan = UserFactory.create_batch(4)
    now = timezone.now()
    # two processes flush what their hubs saw; ben joined both, likes and peaks interleave
    services.room_flush(
        show_id=world.show.pk,
        comments=[comment(ann, "first"), comment(ben, "BUY 1")],
        removed=set(),
        viewers={ann.pk: now, ben.pk: now},
        likes_total=120,
        peak_viewers=2,
    )
    services.room_flush(
        show_id=world.show.pk,
        comments=[comment(cat, "spam")],
        removed={f"{cat.pk}-spam"},
        viewers={ben.pk: now, cat.pk: now, dan.pk: now},
        likes_total=90,  # a stale total from a slower process never lowers the count
        peak_viewers=4,
    )
    deal = open_deal(world, price=2000, quantity=10, per_buyer_limit=3)
    paid_two = buy(ann, deal, quantity=2).json()["order_id"]
    paid_one = buy(ben, deal, quantity=1).json()["order_id"]
    buy(cat, deal, quantity=1)  # never paid
    cancelled = buy(dan, deal, quantity=1).json()["order_id"]
    with after_commit():
        shop_services.order_cancel(actor=dan, order_id=cancelled)
    pay(Order.objects.get(pk=paid_two))
    pay(Order.objects.get(pk=paid_one))
    pay(checkout(UserFactory(), world.sku))  # a shop order outside the show
    stats = consumer_client(world.host).get(f"/api/v1/live/shows/{world.show.pk}/stats").json()
    assert stats == {
        "show_id": world.show.pk,
        "status": "live",
        "peak_viewers": 4,
        "unique_viewers": 4,
        "likes": 120,
        "comments": 3,
        "removed_comments": 1,
        "orders": 2,
        "buyers": 2,
        "gmv": [{"amount": 6000, "currency": "EUR"}],
        "conversion": 0.5,
    }


def test_stats_are_for_the_rooms_staff_only():
    world = live_world()
    path = f"/api/v1/live/shows/{world.show.pk}/stats"
    assert consumer_client(world.moderator).get(path).status_code == 200
    refused = consumer_client(UserFactory()).get(path)
    assert_refused(refused, 403, "not_room_staff")


def test_a_show_without_viewers_converts_nothing():
    world = live_world()
    stats = consumer_client(world.owner).get(f"/api/v1/live/shows/{world.show.pk}/stats").json()
    assert (stats["unique_viewers"], stats["orders"], stats["conversion"]) == (0, 0, 0.0)


def test_the_replay_lists_each_pin_with_its_offset_into_the_stream():
    world = live_world(pinned=False)
    start = timezone.now() - timedelta(minutes=30)
    Show.objects.filter(pk=world.show.pk).update(started_at=start)
    services.pin_set(actor=world.host, show_id=world.show.pk, product_id=world.product.pk)
    Pin.objects.filter(show=world.show).update(pinned_at=start + timedelta(minutes=5))
    services.pin_set(actor=world.host, show_id=world.show.pk, product_id=world.product.pk)
    services.show_end(actor=world.host, show_id=world.show.pk)
    replay = consumer_client(UserFactory()).get(f"/api/v1/live/shows/{world.show.pk}/replay")
    body = replay.json()
    assert body["stream_url"] == world.show.stream_url
    first, second = body["timeline"]
    assert first["offset_seconds"] == 300.0
    assert first["end_offset_seconds"] == pytest.approx(1800, abs=30)
    assert second["product_id"] == world.product.pk
    assert second["unpinned_at"] is not None


def test_a_viewers_export_has_their_comments_and_erasure_removes_them():
    world = live_world()
    viewer = UserFactory()
    services.room_flush(
        show_id=world.show.pk,
        comments=[comment(viewer, "so nice")],
        removed=set(),
        viewers={viewer.pk: timezone.now()},
        likes_total=0,
        peak_viewers=1,
    )
    exported = privacy.export(viewer)
    assert [c["text"] for c in exported["comments"]] == ["so nice"]
    assert [v["show_id"] for v in exported["shows_watched"]] == [world.show.pk]
    privacy.erase(viewer)
    assert privacy.export(viewer) == {"comments": [], "shows_watched": [], "reminders": []}
