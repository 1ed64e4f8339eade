"""Video through Plaza's media server, as the app and nginx see it: the stream key (rotated,
shown once, stored as a digest), the nginx-rtmp callbacks (secret, key, lifecycle), the replay
made from a real FLV recording with ffmpeg, the playback URL, the live tab's sections and the
generated nginx configuration (accepted by ``nginx -t``). The real push through nginx is in
tests/system/test_live_video.py."""

import subprocess
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from miniprograms.live import media, media_server, services
from miniprograms.live.models import Show
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.live.factories import live_world
from tests.miniprograms.shop.factories import after_commit

pytestmark = pytest.mark.django_db

SECRET = "callback-secret-for-tests"


@pytest.fixture(autouse=True)
def media_settings(settings, tmp_path):
    settings.LIVE_MEDIA_CALLBACK_SECRET = SECRET
    settings.LIVE_MEDIA_DIR = tmp_path
    settings.LIVE_MEDIA_RTMP_URL = "rtmp://media.test:1935/live"
    settings.LIVE_MEDIA_PUBLIC_URL = "http://media.test:8080"
    return settings


def callback(event: str, secret: str = SECRET, **fields):
    """A POST as nginx-rtmp sends it (form-encoded, ``notify_method post``)."""
    return Client().post(
        f"/api/v1/live/media/{event}?{urlencode({'secret': secret})}",
        urlencode({"app": "live", "call": event, "addr": "127.0.0.1", **fields}),
        content_type="application/x-www-form-urlencoded",
    )


def rotate(show: Show, user) -> dict:
    response = consumer_client(user).post(f"/api/v1/live/shows/{show.pk}/stream-key")
    assert response.status_code == 201, response.content
    return response.json()


def split(stream_key: str) -> tuple[str, str]:
    """OBS sends the stream key as the stream name; nginx passes ``?key=`` as a field."""
    name, _, key = stream_key.partition("?key=")
    return name, key


def test_the_host_gets_a_key_shown_once_and_stored_only_as_a_digest():
    world = live_world(live=False)
    body = rotate(world.show, world.host)
    assert body["server"] == "rtmp://media.test:1935/live"
    assert body["stream_name"] == f"show-{world.show.pk}"
    assert body["playback_url"] == f"http://media.test:8080/hls/show-{world.show.pk}.m3u8"
    name, key = split(body["stream_key"])
    assert name == body["stream_name"] and len(key) >= 32
    world.show.refresh_from_db()
    assert world.show.stream_key_hash == media.key_hash(key)
    assert key not in str(
        consumer_client(world.host).get(f"/api/v1/live/shows/{world.show.pk}").json()
    )


def test_only_the_host_and_brand_managers_hold_the_key():
    world = live_world(live=False)
    assert rotate(world.show, world.owner)["stream_key"]
    for outsider, code in ((world.moderator, 403), (UserFactory(), 403)):
        response = consumer_client(outsider).post(f"/api/v1/live/shows/{world.show.pk}/stream-key")
        assert (response.status_code, response.json()["code"]) == (code, "not_host_team")


def test_the_right_key_takes_a_scheduled_show_live_and_a_rotated_key_is_refused():
    world = live_world(live=False)
    _old_name, old_key = split(rotate(world.show, world.host)["stream_key"])
    name, key = split(rotate(world.show, world.host)["stream_key"])

    for wrong in (old_key, "", key[:-1] + ("A" if key[-1] != "A" else "B")):
        refused = callback("publish", name=name, key=wrong)
        assert (refused.status_code, refused.json()["code"]) == (403, "stream_key_invalid")
    world.show.refresh_from_db()
    assert world.show.status == "scheduled"

    accepted = callback("publish", name=name, key=key)
    assert accepted.status_code == 200, accepted.content
    world.show.refresh_from_db()
    assert world.show.status == "live" and world.show.started_at is not None
    show = consumer_client(world.host).get(f"/api/v1/live/shows/{world.show.pk}").json()
    assert show["playback_url"] == f"http://media.test:8080/hls/show-{world.show.pk}.m3u8"


def test_a_show_that_is_not_scheduled_cannot_be_pushed_to():
    world = live_world(live=False)
    name, key = split(rotate(world.show, world.host)["stream_key"])
    assert callback("publish", name=name, key=key).status_code == 200
    again = callback("publish", name=name, key=key)  # a second publisher while live
    assert (again.status_code, again.json()["code"]) == (422, "invalid_show_status")
    services.show_end(actor=world.host, show_id=world.show.pk)
    ended = callback("publish", name=name, key=key)
    assert (ended.status_code, ended.json()["code"]) == (422, "invalid_show_status")
    rotate_ended = consumer_client(world.host).post(
        f"/api/v1/live/shows/{world.show.pk}/stream-key"
    )
    assert rotate_ended.status_code == 422


def test_unknown_stream_names_and_shows_without_a_key_are_refused():
    world = live_world(live=False)
    assert callback("publish", name="anything", key="x").status_code == 404
    assert callback("publish", name="show-999999", key="x").status_code == 404
    no_key = callback("publish", name=f"show-{world.show.pk}", key="")
    assert no_key.status_code == 403


def test_the_callbacks_do_not_exist_without_the_secret(media_settings):
    world = live_world(live=False)
    name, key = split(rotate(world.show, world.host)["stream_key"])
    assert callback("publish", secret="wrong", name=name, key=key).status_code == 404
    assert callback("publish", secret="", name=name, key=key).status_code == 404
    media_settings.LIVE_MEDIA_CALLBACK_SECRET = ""  # not configured: off, whatever is sent
    assert callback("publish", secret="", name=name, key=key).status_code == 404
    world.show.refresh_from_db()
    assert world.show.status == "scheduled"


def test_an_event_the_media_server_does_not_send_does_not_exist():
    world = live_world(live=False)
    name, key = split(rotate(world.show, world.host)["stream_key"])
    response = callback("play", name=name, key=key)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    world.show.refresh_from_db()
    assert world.show.status == "scheduled"


def test_the_end_of_the_push_ends_the_show_once():
    world = live_world(live=False)
    name, key = split(rotate(world.show, world.host)["stream_key"])
    callback("publish", name=name, key=key)
    services.pin_set(actor=world.host, show_id=world.show.pk, product_id=world.product.pk)
    done = callback("publish_done", name=name)
    assert (done.status_code, done.json()["status"]) == (200, "ended")
    world.show.refresh_from_db()
    assert world.show.status == "ended"
    assert world.show.pins.get().unpinned_at == world.show.ended_at
    assert callback("publish_done", name=name).status_code == 200  # nothing more to end


def make_recording(show: Show, seconds: int = 2) -> str:
    """A real FLV as nginx records it: H.264 test pattern and AAC sine, made by ffmpeg."""
    recordings = media.recordings_dir()
    recordings.mkdir(parents=True, exist_ok=True)
    path = recordings / f"show-{show.pk}-1733443200.flv"
    subprocess.run(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"),
            *("-f", "lavfi", "-i", f"testsrc=size=160x120:rate=25:duration={seconds}"),
            *("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"),
            *("-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac", str(path)),
        ],
        check=True,
        timeout=60,
    )
    return str(path)


def test_the_recording_becomes_a_playable_mp4_replay_with_the_pin_timeline(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = live_world(live=False)
    name, key = split(rotate(world.show, world.host)["stream_key"])
    callback("publish", name=name, key=key)
    services.pin_set(actor=world.host, show_id=world.show.pk, product_id=world.product.pk)
    callback("publish_done", name=name)

    recording = make_recording(world.show)
    with after_commit():  # the conversion task runs when the callback's transaction commits
        recorded = callback("record_done", name=name, path=recording)
    assert recorded.status_code == 200, recorded.content

    replay = consumer_client(UserFactory()).get(f"/api/v1/live/shows/{world.show.pk}/replay")
    body = replay.json()
    assert body["replay_status"] == "ready"
    assert (
        body["replay_url"] == f"http://media.test:8080/replays/show-{world.show.pk}-1733443200.mp4"
    )
    assert 1.5 <= body["duration_seconds"] <= 2.5
    mp4 = media.replays_dir() / f"show-{world.show.pk}-1733443200.mp4"
    assert media.probe_duration(str(mp4)) == pytest.approx(body["duration_seconds"])
    (pin,) = body["timeline"]
    assert pin["product_id"] == world.product.pk and pin["offset_seconds"] >= 0


def test_a_recording_outside_the_recordings_directory_or_of_another_show_is_refused(tmp_path):
    world = live_world(live=False)
    other = live_world(live=False)
    name = f"show-{world.show.pk}"
    stray = tmp_path / "elsewhere.flv"
    stray.write_bytes(b"FLV")
    for path in (str(stray), make_recording(other.show), "/etc/passwd", ""):
        refused = callback("record_done", name=name, path=path)
        assert (refused.status_code, refused.json()["code"]) == (400, "recording_not_found")
    world.show.refresh_from_db()
    assert world.show.replay_status == "none"


def test_an_unreadable_recording_marks_the_replay_failed(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = live_world(live=False)
    media.recordings_dir().mkdir(parents=True)
    broken = media.recordings_dir() / f"show-{world.show.pk}-1.flv"
    broken.write_bytes(b"not a video")
    with after_commit():
        recorded = callback("record_done", name=f"show-{world.show.pk}", path=str(broken))
    assert recorded.status_code == 200
    world.show.refresh_from_db()
    assert (world.show.replay_status, world.show.replay_url) == ("failed", "")
    assert not list(media.replays_dir().iterdir())


def test_the_live_tab_sections():
    upcoming_late = live_world(live=False).show
    Show.objects.filter(pk=upcoming_late.pk).update(starts_at=timezone.now() + timedelta(days=2))
    upcoming_soon = live_world(live=False).show
    live = live_world().show
    ended_with_replay = live_world().show
    services.show_end(actor=ended_with_replay.host, show_id=ended_with_replay.pk)
    services.replay_store(show_id=ended_with_replay.pk, url="http://m/r.mp4", duration_seconds=3)
    ended_without = live_world().show
    services.show_end(actor=ended_without.host, show_id=ended_without.pk)
    client = consumer_client(UserFactory())

    def section(name):
        response = client.get(f"/api/v1/live/shows?section={name}")
        assert response.status_code == 200, response.content
        return [show["id"] for show in response.json()["results"]]

    assert section("live") == [live.pk]
    assert section("upcoming") == [upcoming_soon.pk, upcoming_late.pk]
    assert section("replays") == [ended_with_replay.pk]
    assert client.get("/api/v1/live/shows?section=later").status_code == 400


def test_a_show_on_an_external_stream_plays_its_url():
    world = live_world()
    show = consumer_client(world.host).get(f"/api/v1/live/shows/{world.show.pk}").json()
    assert show["playback_url"] == "https://stream.example/silk.m3u8"
    assert (show["replay_status"], show["replay_url"]) == ("none", "")


def test_nginx_accepts_the_generated_configuration(tmp_path):
    config = media_server.MediaServerConfig(
        directory=tmp_path,
        rtmp_port=19350,
        http_port=18080,
        plaza_url="http://127.0.0.1:8000",
        callback_secret=SECRET,
    )
    media_server.write(config)
    text = config.conf_path.read_text()
    assert f"on_publish http://127.0.0.1:8000/api/v1/live/media/publish?secret={SECRET};" in text
    assert "hls_fragment 1s;" in text and "record all;" in text
    check = subprocess.run(
        media_server.nginx_command(config, test=True), capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
