"""Limits of a show and its room: how many products and moderators, a start in the future,
deals only while live and only on the pinned product at or under its list price, staff who
cannot be restricted, lookups of shows and deals that do not exist, the filters of the show
list, the demo show and the media server's command."""

import io
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from miniprograms.live import bus, media, tasks
from miniprograms.live.models import Comment, Deal, Restriction, Show
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.live.factories import deal_body, live_world, show_body, start_deal
from tests.miniprograms.shop.factories import after_commit, product_factory
from tests.superapp.media import samples
from tests.superapp.media.helpers import upload
from tests.superapp.official.factories import followers, official_account

pytestmark = pytest.mark.django_db


def shows_url(world, suffix: str = "") -> str:
    return f"/api/v1/live/shows/{world.show.pk}{suffix}"


# --- Scheduling limits ------------------------------------------------------------------------


@override_settings(LIVE_MAX_PRODUCTS=1)
def test_a_show_presents_at_most_the_configured_number_of_products():
    world = live_world(live=False)
    second, _ = product_factory(world.shop)
    response = consumer_client(world.owner).post(
        "/api/v1/live/shows",
        show_body(world, product_ids=[world.product.pk, second.pk]),
        format="json",
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "product_ids": ["At most 1."]
    }
    assert Show.objects.count() == 1


@override_settings(LIVE_MAX_MODERATORS=1)
def test_a_show_has_at_most_the_configured_number_of_moderators():
    world = live_world(live=False)
    moderators = [world.moderator.username, UserFactory().username]
    response = consumer_client(world.owner).post(
        "/api/v1/live/shows", show_body(world, moderators=moderators), format="json"
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "moderators": ["At most 1."]
    }
    assert Show.objects.count() == 1


def test_a_show_cannot_be_scheduled_in_the_past():
    world = live_world(live=False)
    past = (timezone.now() - timedelta(minutes=1)).isoformat()
    response = consumer_client(world.owner).post(
        "/api/v1/live/shows", show_body(world, starts_at=past), format="json"
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "starts_at": ["Must be in the future."]
    }
    assert Show.objects.count() == 1


# --- Deals ------------------------------------------------------------------------------------


def test_a_deal_starts_only_while_the_show_is_live():
    world = live_world(live=False)
    response = consumer_client(world.host).post(
        shows_url(world, "/deals"), deal_body(world), format="json"
    )
    assert_refused(response, 422, "show_not_live")
    assert not Deal.objects.exists()


def test_a_deal_sells_a_sku_of_the_pinned_product_only():
    world = live_world()
    _, other_sku = product_factory(world.shop)
    response = consumer_client(world.host).post(
        shows_url(world, "/deals"), deal_body(world, sku_id=other_sku.pk), format="json"
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "sku_id": ["Not a SKU of the pinned product."]
    }
    assert not Deal.objects.exists()


def test_a_deal_is_never_above_the_list_price():
    world = live_world(price=2500)
    response = consumer_client(world.host).post(
        shows_url(world, "/deals"), deal_body(world, price=2501), format="json"
    )
    assert assert_refused(response, 400, "deal_price_above_list")["fields"] == {
        "price": ["At most the list price (2500)."]
    }
    assert not Deal.objects.exists()
    at_list = consumer_client(world.host).post(
        shows_url(world, "/deals"), deal_body(world, price=2500), format="json"
    )
    assert at_list.status_code == 201, at_list.content


def test_orders_of_an_unknown_deal_are_deal_not_found():
    world = live_world()
    start_deal(world)
    response = consumer_client(UserFactory()).post(
        shows_url(world, "/deals/999999/orders"), {"quantity": 1}, format="json"
    )
    assert_refused(response, 404, "deal_not_found")


# --- Moderation -------------------------------------------------------------------------------


def test_the_rooms_staff_cannot_be_muted_or_banned():
    world = live_world()
    moderator = consumer_client(world.moderator)
    for staff in (world.host, world.owner):
        response = moderator.post(
            shows_url(world, "/restrictions"), {"username": staff.username, "kind": "ban"}
        )
        assert_refused(response, 422, "cannot_restrict_staff")
    assert not Restriction.objects.exists()


def test_muting_a_viewer_twice_keeps_one_mute():
    world = live_world()
    viewer = UserFactory()
    moderator = consumer_client(world.moderator)
    for _ in range(2):
        response = moderator.post(
            shows_url(world, "/restrictions"), {"username": viewer.username, "kind": "mute"}
        )
        assert response.status_code == 201, response.content
    assert Restriction.objects.filter(user=viewer, kind="mute").count() == 1


# --- Lookups and lists ------------------------------------------------------------------------


def test_the_show_list_filters_by_brand_and_status():
    live = live_world()
    scheduled = live_world(live=False)
    viewer = consumer_client(UserFactory())

    def ids(query: str) -> list[int]:
        response = viewer.get(f"/api/v1/live/shows?{query}")
        assert response.status_code == 200, response.content
        return [show["id"] for show in response.json()["results"]]

    assert ids(f"brand_id={live.brand.pk}") == [live.show.pk]
    assert ids("status=live") == [live.show.pk]
    assert ids("status=scheduled") == [scheduled.show.pk]
    assert ids("status=ended") == []


def test_an_unknown_show_is_show_not_found():
    viewer = consumer_client(UserFactory())
    assert_refused(viewer.get("/api/v1/live/shows/999999"), 404, "show_not_found")


# --- Demo and media server command ------------------------------------------------------------


def test_the_demo_schedules_one_show_of_alices_brand_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    show = Show.objects.get()
    assert show.brand.members.get(role="owner").user.username == "alice"
    assert show.status == "scheduled" and show.starts_at > timezone.now()
    assert "live show: exists" in out.getvalue()


@override_settings(LIVE_MEDIA_CALLBACK_SECRET="")
def test_the_media_server_command_refuses_to_run_without_a_callback_secret():
    with pytest.raises(CommandError, match="LIVE_MEDIA_CALLBACK_SECRET"):
        call_command("media_server", "--write-only")


def test_the_media_server_command_writes_a_configuration_nginx_accepts(tmp_path):
    out = io.StringIO()
    with override_settings(LIVE_MEDIA_CALLBACK_SECRET="s3cret", LIVE_MEDIA_DIR=tmp_path):
        call_command("media_server", "--write-only", "--rtmp-port", "19350", stdout=out)
    written = out.getvalue().splitlines()[0].removeprefix("media server configuration written to ")
    assert Path(written).parent == tmp_path
    config = Path(written).read_text()
    assert "19350" in config and "s3cret" in config
    assert "rtmp://127.0.0.1:19350/live" in out.getvalue()


def test_the_media_server_command_says_how_to_install_nginx_when_it_is_missing(
    monkeypatch, settings, tmp_path
):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    media_dir = tmp_path / "media"
    settings.LIVE_MEDIA_CALLBACK_SECRET, settings.LIVE_MEDIA_DIR = "s3cret", media_dir
    with pytest.raises(CommandError, match="apt-get install nginx libnginx-mod-rtmp"):
        call_command("media_server", "--write-only")
    assert not media_dir.exists()


def test_the_media_server_command_stops_on_a_configuration_nginx_refuses(settings, tmp_path):
    settings.LIVE_MEDIA_CALLBACK_SECRET, settings.LIVE_MEDIA_DIR = "s3cret", tmp_path
    out = io.StringIO()
    with pytest.raises(CommandError, match="nginx refused the configuration"):
        call_command("media_server", "--write-only", "--rtmp-port", "70000", stdout=out)
    assert "RTMP ingest" not in out.getvalue()


def test_without_write_only_the_command_becomes_nginx_in_the_foreground(monkeypatch, tmp_path):
    """It replaces itself with nginx (signals reach nginx directly) on the checked file."""
    replaced_by = []
    monkeypatch.setattr(os, "execvp", lambda file, args: replaced_by.append((file, args)))
    out = io.StringIO()
    with override_settings(LIVE_MEDIA_CALLBACK_SECRET="s3cret", LIVE_MEDIA_DIR=tmp_path):
        call_command("media_server", "--rtmp-port", "19352", stdout=out)
    [(file, args)] = replaced_by
    assert file == "nginx" and "-t" not in args
    config = Path(args[args.index("-c") + 1])
    assert config.parent == tmp_path and "daemon off;" in config.read_text()
    assert out.getvalue().rstrip().endswith("nginx running in the foreground (Ctrl-C stops it)")


# --- Covers and room pushes ---------------------------------------------------------------------


def test_a_cover_upload_must_be_one_made_for_live_shows():
    world = live_world(live=False)
    admin = consumer_client(world.brand.admin)
    chat_photo = upload(admin, samples.image_bytes()).json()
    response = admin.post(
        "/api/v1/live/shows", show_body(world, cover_media=chat_photo["id"]), format="json"
    )
    assert_refused(response, 422, "media_wrong_purpose")
    assert Show.objects.count() == 1


def test_a_room_push_that_cannot_reach_redis_is_logged_and_never_fails_the_writer(settings, caplog):
    settings.LIVE_HUB_BUS = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level("WARNING", logger="miniprograms.live.bus"):
        bus.publish(7, {"k": "end"})
    assert [r.getMessage() for r in caplog.records] == ["live room push failed"]
    assert caplog.records[0].show_id == 7


def test_undoing_the_removal_of_a_comment_not_stored_yet_tells_the_rooms_without_a_body(
    monkeypatch,
):
    """A comment still in the rooms' memory (not flushed) comes back from there: the push
    names it and carries no stored copy, and nothing is written."""
    world = live_world()
    pushed = []
    monkeypatch.setattr(bus, "publish", lambda show_id, message: pushed.append((show_id, message)))
    with after_commit():
        response = consumer_client(world.host).post(shows_url(world, "/comments/cafe02/restore"))
    assert response.status_code == 204
    assert pushed == [
        (
            world.show.pk,
            {"k": "event", "e": {"type": "comment_restored", "id": "cafe02", "comment": None}},
        )
    ]
    assert not Comment.objects.exists()


# --- Reminders and media ----------------------------------------------------------------------


def test_a_reminder_job_for_a_show_that_is_not_live_tells_nobody():
    world = live_world(live=False)
    fan = followers(official_account(brand=world.brand), 1)[0]
    assert consumer_client(fan).put(shows_url(world, "/reminder")).status_code == 200
    tasks.remind_followers(world.show.pk)
    assert not UserEvent.objects.filter(type="live.show_started").exists()


def test_a_reminder_job_for_a_brand_without_followers_tells_only_those_who_asked():
    world = live_world(live=False)
    asked = UserFactory()
    assert consumer_client(asked).put(shows_url(world, "/reminder")).status_code == 200
    with after_commit():
        consumer_client(world.host).post(shows_url(world, "/start"))
    told = UserEvent.objects.filter(type="live.show_started")
    assert list(told.values_list("user_id", flat=True)) == [asked.pk]


def test_a_file_without_media_is_refused_by_the_probe(tmp_path):
    not_media = tmp_path / "notes.flv"
    not_media.write_text("not a video")
    with pytest.raises(media.ConversionFailed):
        media.probe_duration(str(not_media))


def test_a_show_has_no_hls_address_without_a_public_media_server(settings):
    settings.LIVE_MEDIA_PUBLIC_URL = ""
    assert media.hls_url(12) == ""
    settings.LIVE_MEDIA_PUBLIC_URL = "https://media.example"
    assert media.hls_url(12) == "https://media.example/hls/show-12.m3u8"
