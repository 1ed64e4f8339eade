"""Scheduling a show, its lifecycle (scheduled → live → ended, enforced in the database too),
the followers' reminder, who runs the room, and the lists without N+1."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms.live.models import Pin, Show
from superapp.official import services as official_services
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.miniprograms.live.factories import live_world, show_body
from tests.miniprograms.shop.factories import after_commit, product_factory
from tests.superapp.official.factories import followers, official_account

pytestmark = pytest.mark.django_db


def test_a_brand_manager_schedules_a_show_of_its_shop_products():
    world = live_world(live=False)
    response = consumer_client(world.brand.admin).post("/api/v1/live/shows", show_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "scheduled"
    assert body["host"]["username"] == world.host.username
    assert body["moderators"] == [world.moderator.username]
    assert body["products"] == [{"id": world.product.pk, "title": world.product.title}]
    assert body["room"] == f"/ws/live/{body['id']}/"


def test_an_associate_cannot_schedule_and_a_stranger_does_not_see_the_brand():
    world = live_world(live=False)
    associate = consumer_client(world.host).post("/api/v1/live/shows", show_body(world))
    stranger = consumer_client(UserFactory()).post("/api/v1/live/shows", show_body(world))
    assert_refused(associate, 403, "insufficient_role")
    assert_refused(stranger, 404, "brand_not_found")


def test_products_must_be_published_products_of_the_brands_own_shop():
    world = live_world(live=False)
    other = live_world(live=False)
    client = consumer_client(world.owner)
    response = client.post("/api/v1/live/shows", show_body(world, product_ids=[other.product.pk]))
    assert (response.status_code, list(response.json()["fields"])) == (400, ["product_ids"])
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = client.post("/api/v1/live/shows", show_body(world, starts_at=past))
    assert (response.status_code, list(response.json()["fields"])) == (400, ["starts_at"])
    response = client.post("/api/v1/live/shows", show_body(world, host="nobody-here"))
    assert (response.status_code, list(response.json()["fields"])) == (400, ["host"])
    assert Show.objects.count() == 2


def test_lifecycle_goes_scheduled_live_ended_and_never_back():
    world = live_world(live=False)
    host = consumer_client(world.host)
    path = f"/api/v1/live/shows/{world.show.pk}"
    assert host.post(f"{path}/end").json()["code"] == "invalid_show_status"
    live = host.post(f"{path}/start").json()
    assert live["status"] == "live" and live["started_at"]
    again = host.post(f"{path}/start")
    assert_refused(again, 422, "invalid_show_status")
    host.post(f"{path}/pins", {"product_id": world.product.pk})
    ended = host.post(f"{path}/end").json()
    assert ended["status"] == "ended" and ended["ended_at"]
    assert host.post(f"{path}/start").json()["code"] == "invalid_show_status"
    assert not Pin.objects.filter(show=world.show, unpinned_at__isnull=True).exists()


def test_the_database_refuses_a_status_without_its_timestamps():
    world = live_world(live=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Show.objects.filter(pk=world.show.pk).update(status="live")
    with pytest.raises(IntegrityError), transaction.atomic():
        Show.objects.filter(pk=world.show.pk).update(status="ended", started_at=timezone.now())


def test_going_live_reminds_every_follower_of_the_brand_once():
    world = live_world(live=False)
    account = official_account(brand=world.brand)
    second = official_account(brand=world.brand)
    fans = followers(account, 5)
    followers(second, 2)
    official_services.account_follow(user=fans[0], account_id=second.pk)  # reminded once
    with after_commit():
        consumer_client(world.host).post(f"/api/v1/live/shows/{world.show.pk}/start")
    reminders = UserEvent.objects.filter(type="live.show_started")
    assert reminders.count() == 7
    assert reminders.filter(user=fans[0]).count() == 1
    assert reminders.first().payload["show"]["room"] == f"/ws/live/{world.show.pk}/"


def test_reminders_go_out_in_batches(settings):
    settings.LIVE_REMINDER_BATCH = 2
    world = live_world(live=False)
    followers(official_account(brand=world.brand), 5)
    with after_commit():
        consumer_client(world.host).post(f"/api/v1/live/shows/{world.show.pk}/start")
    assert UserEvent.objects.filter(type="live.show_started").count() == 5


def test_only_the_host_moderators_and_managers_run_the_room():
    world = live_world(live=True, pinned=False)
    path = f"/api/v1/live/shows/{world.show.pk}/pins"
    body = {"product_id": world.product.pk}
    for user in (world.host, world.moderator, world.owner, world.brand.admin):
        assert consumer_client(user).post(path, body).status_code == 201
    viewer = consumer_client(UserFactory()).post(path, body)
    assert_refused(viewer, 403, "not_room_staff")
    missing = consumer_client(world.host).post("/api/v1/live/shows/999999/pins", body)
    assert_refused(missing, 404, "show_not_found")


def test_pinning_replaces_the_pin_and_only_show_products_can_be_pinned():
    world = live_world(live=True, pinned=False)
    second, _ = product_factory(world.shop, handle="hat")
    host = consumer_client(world.host)
    path = f"/api/v1/live/shows/{world.show.pk}/pins"
    assert host.post(path, {"product_id": world.product.pk}).status_code == 201
    refused = host.post(path, {"product_id": second.pk})
    assert_refused(refused, 404, "product_not_in_show")
    assert host.post(path, {"product_id": world.product.pk}).status_code == 201
    assert Pin.objects.filter(show=world.show).count() == 2
    assert Pin.objects.filter(show=world.show, unpinned_at__isnull=True).count() == 1


def test_the_database_allows_one_open_pin_per_show():
    world = live_world()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pin.objects.create(show=world.show, product=world.product, pinned_at=timezone.now())


def test_show_list_queries_do_not_grow_with_shows():
    world = live_world(live=False)
    owner, viewer = consumer_client(world.owner), consumer_client(UserFactory())

    def schedule(count: int) -> None:
        for _ in range(count):
            extra = UserFactory()
            body = show_body(world, moderators=[world.moderator.username, extra.username])
            assert owner.post("/api/v1/live/shows", body).status_code == 201

    assert_queries_constant(schedule, lambda: viewer.get("/api/v1/live/shows"))
