import io
import json
import subprocess

import pytest
from PIL import Image

from superapp.media.models import Media
from tests.superapp.media import samples
from tests.superapp.media.helpers import body_of, fetch, stored_objects, upload

pytestmark = pytest.mark.django_db


def test_a_photo_is_stored_and_described(api):
    response = upload(api, samples.image_bytes(size=(640, 480)))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "image/jpeg"
    assert body["kind"] == "image"
    assert (body["width"], body["height"]) == (640, 480)
    assert body["size"] == Media.objects.get(pk=body["id"]).size
    assert "signature=" in body["url"]
    again = api.get(f"/api/v1/media/{body['id']}").json()
    assert set(again["thumbnails"]) == {"160", "480"}  # none larger than the photo


def test_the_type_comes_from_the_bytes_not_the_name_or_header(api):
    response = upload(
        api, samples.image_bytes("PNG"), name="holiday.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"
    assert Media.objects.get().key.endswith(".png")


def test_gps_and_camera_exif_are_stripped(api):
    original = samples.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(samples.GPS)  # it does have GPS
    response = upload(api, original)
    assert response.status_code == 201
    stored = fetch(api, response.json()["url"])
    assert stored.status_code == 200
    image = Image.open(io.BytesIO(body_of(stored)))
    exif = image.getexif()
    assert not exif.get_ifd(samples.GPS)
    assert len(exif) == 0
    assert b"PlazaCam" not in body_of(fetch(api, response.json()["url"]))


def test_an_svg_with_a_script_is_not_an_image(api, filesystem_media):
    response = upload(api, samples.SVG_WITH_SCRIPT, name="logo.svg", purpose="avatar",
                      content_type="image/svg+xml")  # fmt: skip
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert stored_objects(filesystem_media) == []
    assert not Media.objects.exists()


def test_an_svg_sent_in_a_chat_is_only_ever_downloaded(api):
    response = upload(api, samples.SVG_WITH_SCRIPT, name="../../logo.svg",
                      content_type="image/svg+xml")  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["content_type"], body["name"]) == (
        "file", "application/octet-stream", "logo.svg"
    )  # fmt: skip
    served = fetch(api, body["url"])
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith('attachment; filename="logo.svg"')
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_decompression_bomb_is_refused_before_decoding(api, filesystem_media):
    response = upload(api, samples.decompression_bomb(), name="bomb.png")
    assert response.status_code == 400
    assert response.json()["code"] == "image_too_large"
    assert stored_objects(filesystem_media) == [] and not Media.objects.exists()


def test_a_zero_byte_file_is_refused(api, filesystem_media):
    response = upload(api, b"")
    assert response.status_code == 400
    assert response.json()["code"] == "empty_file"
    assert stored_objects(filesystem_media) == [] and not Media.objects.exists()


def test_an_oversize_file_is_refused(api, settings, filesystem_media):
    settings.MEDIA_MAX_BYTES = {**settings.MEDIA_MAX_BYTES, "image": 1000}
    response = upload(api, samples.image_bytes(size=(400, 400)))
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert stored_objects(filesystem_media) == [] and not Media.objects.exists()


def test_too_many_pixels_is_refused(api, settings):
    settings.MEDIA_IMAGE_MAX_SIDE = 100
    response = upload(api, samples.image_bytes(size=(101, 10)))
    assert (response.status_code, response.json()["code"]) == (400, "image_too_large")


def test_the_storage_quota_is_enforced(api, settings, filesystem_media):
    first = upload(api, samples.image_bytes())
    settings.MEDIA_USER_QUOTA_BYTES = first.json()["size"] + 10
    response = upload(api, samples.image_bytes(color=(1, 2, 3)))
    assert response.status_code == 422
    assert response.json()["code"] == "storage_quota_exceeded"
    assert Media.objects.count() == 1
    assert len(stored_objects(filesystem_media)) == 1 + len(Media.objects.get().thumbnails)


def test_only_chat_takes_recordings(api):
    response = upload(api, samples.voice_ogg(), name="note.ogg", purpose="product")
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def _ffprobe_tags(data: bytes, tmp_path) -> dict:
    path = tmp_path / "probe"
    path.write_bytes(data)
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", str(path)],
        capture_output=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)["format"].get("tags", {})


@pytest.mark.parametrize(
    "make, content_type",
    [
        (samples.voice_ogg, "audio/ogg"),
        (samples.voice_m4a, "audio/mp4"),
        (samples.voice_webm_as_recorded, "audio/ogg"),  # Chromium's recording, remuxed
    ],
)
def test_a_voice_note_is_probed_for_its_duration(api, make, content_type, tmp_path):
    response = upload(api, make(1.5), name="note", content_type="application/octet-stream")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["content_type"]) == ("voice", content_type)
    assert 1400 <= body["duration_ms"] <= 1600
    stored = body_of(fetch(api, body["url"]))
    assert "title" not in _ffprobe_tags(stored, tmp_path)


def test_a_video_gets_a_poster_and_loses_its_location(api, tmp_path):
    response = upload(api, samples.video_mp4(2), name="clip.mp4", content_type="video/mp4")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["width"], body["height"]) == ("video", 160, 120)
    assert 1900 <= body["duration_ms"] <= 2100
    assert body["poster_url"]
    stored = body_of(fetch(api, body["url"]))
    assert "location" not in _ffprobe_tags(stored, tmp_path)
    assert api.get(f"/api/v1/media/{body['id']}").json()["thumbnails"]


@pytest.mark.parametrize("make", [samples.voice_ogg, samples.voice_webm_as_recorded])
def test_a_too_long_voice_note_is_refused(api, settings, make):
    settings.MEDIA_MAX_SECONDS = {**settings.MEDIA_MAX_SECONDS, "voice": 1}
    response = upload(api, make(2), name="note.ogg")
    assert (response.status_code, response.json()["code"]) == (400, "duration_too_long")
