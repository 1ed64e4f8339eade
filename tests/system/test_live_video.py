"""Live video end to end with real processes: ``scripts/run_services.sh`` (what ``make
run-services`` starts: uvicorn, a Celery worker and beat, and the nginx-rtmp media server from
``manage.py media_server``) on free ports, and Debian's ffmpeg pushing a test pattern (lavfi
``testsrc`` + ``sine``, ``-re``) as OBS would. Every wait is on something observable (the show's
status, a room frame, the playlist, the replay), never a sleep."""

import json
import re
import subprocess
import time

import pytest
import requests
from websockets.sync.client import connect

from miniprograms.live.models import Show
from miniprograms.live.test_pattern import push
from miniprograms.live.test_pattern import stop as stop_push
from superapp.accounts.services import token_issue
from superapp.celery import app as celery_app
from tests.miniprograms.live.factories import live_world, open_deal
from tests.miniprograms.shop.factories import ADDRESS
from tests.payments.factories import PIN, payer
from tests.system.processes import Services, bearer, free_port, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
    pytest.mark.servers,
]

CALLBACK_SECRET = "system-test-media-secret"


class MediaServices(Services):
    """run_services.sh with the media server on ports of its own."""

    def __init__(self, log_dir):
        self.rtmp_port, self.http_port = free_port(), free_port()
        self.media_url = f"http://127.0.0.1:{self.http_port}"
        self.rtmp_url = f"rtmp://127.0.0.1:{self.rtmp_port}/live"
        super().__init__(
            [free_port()],
            log_dir,
            MEDIA_SERVER="1",
            MEDIA_RTMP_PORT=str(self.rtmp_port),
            MEDIA_HTTP_PORT=str(self.http_port),
            LIVE_MEDIA_DIR=str(log_dir / "media"),
            LIVE_MEDIA_CALLBACK_SECRET=CALLBACK_SECRET,
        )

    def start(self, celery_app) -> "MediaServices":
        super().start(celery_app)
        self._await(self._media_ready, timeout=30)
        return self

    def _media_ready(self) -> bool:
        try:
            return requests.get(f"{self.media_url}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False


@pytest.fixture(scope="module")
def plaza(django_db_setup, django_db_blocker, tmp_path_factory):
    running = MediaServices(tmp_path_factory.mktemp("live-video")).start(celery_app)
    yield running
    running.stop()


def ffprobe(url: str) -> dict:
    result = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-print_format", "json"),
            *("-show_streams", "-show_format", url),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def rotate_key(plaza, show: Show, token: str) -> str:
    response = requests.post(
        f"{plaza.servers[0].url}/api/v1/live/shows/{show.pk}/stream-key",
        headers=bearer(token),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["server"] == plaza.rtmp_url
    return body["stream_key"]


def show_status(show: Show) -> str:
    return Show.objects.values_list("status", flat=True).get(pk=show.pk)


def playlist_end(text: str) -> float:
    """Seconds of stream the live playlist reaches: its first segment's number (the media
    sequence) times the fragment length, plus its segments' durations."""
    sequence = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text).group(1))
    durations = [float(d) for d in re.findall(r"#EXTINF:([\d.]+)", text)]
    return sequence + sum(durations)


def test_a_wrong_or_rotated_key_is_refused_and_the_show_stays_scheduled(plaza):
    world = live_world(live=False)
    token = token_issue(user=world.host).access_token
    rotated = rotate_key(plaza, world.show, token)
    current = rotate_key(plaza, world.show, token)
    name = current.split("?")[0]
    for key in (rotated, f"{name}?key=wrong", name):
        pusher = push(plaza.rtmp_url, key, seconds=5)
        _, errors = pusher.communicate(timeout=60)
        assert pusher.returncode != 0, f"the media server accepted {key!r}"
        assert b"Input/output error" in errors  # dropped by nginx, not an ffmpeg failure
        assert show_status(world.show) == "scheduled"


def test_a_show_pushed_to_plaza_goes_live_plays_sells_and_becomes_a_replay(plaza):
    world = live_world(live=False)
    base = plaza.servers[0].url
    host_token = token_issue(user=world.host).access_token
    stream_key = rotate_key(plaza, world.show, host_token)
    buyer = payer(balance=10_000)
    buyer_token = token_issue(user=buyer).access_token
    hls = f"{plaza.media_url}/hls/show-{world.show.pk}.m3u8"

    with connect(f"{plaza.servers[0].ws_url}live/{world.show.pk}/?token={buyer_token}") as room:
        assert json.loads(room.recv(timeout=10))["show"]["status"] == "scheduled"
        pushed_at = time.monotonic()
        pusher = push(plaza.rtmp_url, stream_key)
        try:
            # live within 3 seconds of the push, and the waiting room is told
            assert wait_for(lambda: show_status(world.show) == "live", timeout=10)
            assert time.monotonic() - pushed_at < 3.0
            told = []
            assert wait_for(lambda: _room_event(room, "show_live", told), timeout=10)
            assert told[0]["playback_url"] == hls  # the waiting room starts the video
            show = requests.get(
                f"{base}/api/v1/live/shows/{world.show.pk}", headers=bearer(buyer_token), timeout=10
            ).json()
            assert show["playback_url"] == hls

            # the HLS playlist appears, its segments are fetchable, and it plays (ffprobe)
            assert wait_for(lambda: _segments(hls), timeout=15)
            playlist = requests.get(hls, timeout=5)
            assert playlist.headers["Access-Control-Allow-Origin"] == "*"
            for segment in _segments(hls):
                fetched = requests.get(hls.rsplit("/", 1)[0] + "/" + segment, timeout=5)
                assert fetched.status_code == 200 and len(fetched.content) > 1000
                assert fetched.headers["Content-Type"] == "video/mp2t"
            for private in ("nginx.conf", "recordings/", "logs/error.log", "hls/../nginx.conf"):
                assert requests.get(f"{plaza.media_url}/{private}", timeout=5).status_code == 404
            probe = ffprobe(hls)
            assert any(s["codec_type"] == "video" for s in probe["streams"])
            reached = playlist_end(requests.get(hls, timeout=5).text)
            assert wait_for(lambda: playlist_end(requests.get(hls, timeout=5).text) > reached)

            # a viewer buys the pinned product in the stream
            pinned = requests.post(
                f"{base}/api/v1/live/shows/{world.show.pk}/pins",
                json={"product_id": world.product.pk},
                headers=bearer(host_token),
                timeout=10,
            )
            assert pinned.status_code == 201, pinned.text
            deal = open_deal(world, per_buyer_limit=1)
            bought = requests.post(
                f"{base}/api/v1/live/shows/{world.show.pk}/deals/{deal.pk}/orders",
                json={"quantity": 1, "shipping_address": ADDRESS},
                headers=bearer(buyer_token),
                timeout=10,
            )
            assert bought.status_code == 201, bought.text
            paid = requests.post(
                f"{base}/api/v1/pay/orders/{bought.json()['prepay_id']}/confirm",
                json={"pin": PIN},
                headers=bearer(buyer_token),
                timeout=10,
            )
            assert paid.status_code == 200, paid.text
            # the order turns paid through payments' event to the shop: wait for the stats
            assert wait_for(lambda: _stats(base, world.show, host_token)["orders"] == 1)
            stats = _stats(base, world.show, host_token)
            assert stats["buyers"] == 1
            assert stats["gmv"] == [{"amount": 1900, "currency": "EUR"}]
        finally:
            # stopping the push ends the show ('q' is ffmpeg's clean stop, as OBS's button)
            stop_push(pusher)
        assert wait_for(lambda: show_status(world.show) == "ended", timeout=15)
        assert wait_for(lambda: _room_event(room, "show_ended", [], closing=True), timeout=10)

    # the recording becomes the replay (converted in the Celery worker) and plays
    assert wait_for(
        lambda: Show.objects.get(pk=world.show.pk).replay_status in ("ready", "failed"), timeout=60
    )
    replay = requests.get(
        f"{base}/api/v1/live/shows/{world.show.pk}/replay", headers=bearer(buyer_token), timeout=10
    ).json()
    assert replay["replay_status"] == "ready", replay
    assert replay["replay_url"].startswith(f"{plaza.media_url}/replays/show-{world.show.pk}-")
    probe = ffprobe(replay["replay_url"])
    assert float(probe["format"]["duration"]) > 0
    assert {s["codec_type"] for s in probe["streams"]} == {"video", "audio"}
    assert replay["duration_seconds"] == pytest.approx(float(probe["format"]["duration"]))
    (pin,) = replay["timeline"]
    assert pin["product_id"] == world.product.pk
    assert 0 < pin["offset_seconds"] < replay["duration_seconds"]


def _stats(base: str, show: Show, token: str) -> dict:
    response = requests.get(
        f"{base}/api/v1/live/shows/{show.pk}/stats", headers=bearer(token), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def _segments(playlist_url: str) -> list[str]:
    response = requests.get(playlist_url, timeout=5)
    if response.status_code != 200:
        return []
    return [line for line in response.text.splitlines() if line.endswith(".ts")]


def _room_event(room, event_type: str, seen: list, closing: bool = False) -> bool:
    """Read the room's next frame; True once a tick carries ``event_type`` (kept in ``seen``)."""
    try:
        frame = json.loads(room.recv(timeout=1))
    except TimeoutError:
        return False
    except Exception:  # the server closed the room after show_ended
        return closing
    seen += [event for event in frame.get("events", []) if event["type"] == event_type]
    return bool(seen)
