"""Upload sessions on the embedded default: the bytes go to Plaza with a PUT (the app shows
its progress), then the session is completed and checked like a whole upload."""

from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from superapp.media import services
from superapp.media.models import Media
from tests.superapp.media import samples
from tests.superapp.media.helpers import stored_objects

pytestmark = pytest.mark.django_db


def put(api, session_id, data: bytes):
    return api.generic(
        "PUT",
        f"/api/v1/media/uploads/{session_id}/content",
        data,
        content_type="application/octet-stream",
    )


def test_start_send_complete(api):
    data = samples.voice_ogg()
    session = api.post("/api/v1/media/uploads", {"purpose": "chat", "size": len(data)}).json()
    assert session["upload"]["method"] == "PUT"
    assert session["upload"]["url"].endswith(f"/api/v1/media/uploads/{session['id']}/content")
    assert put(api, session["id"], data).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = api.post(session["complete_url"].removeprefix("http://testserver"))
    assert done.status_code == 201, done.json()
    assert (done.json()["kind"], done.json()["content_type"]) == ("voice", "audio/ogg")
    again = api.post(f"/api/v1/media/uploads/{session['id']}/complete")
    assert (again.status_code, again.json()["code"]) == (409, "upload_already_complete")


def test_more_bytes_than_announced_are_refused(api):
    session = api.post("/api/v1/media/uploads", {"purpose": "chat", "size": 10}).json()
    refused = put(api, session["id"], b"x" * 11)
    assert (refused.status_code, refused.json()["code"]) == (413, "file_too_large")


def test_a_session_larger_than_the_upload_limit_is_refused(api, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    refused = api.post("/api/v1/media/uploads", {"purpose": "chat", "size": 1001})
    assert (refused.status_code, refused.json()["code"]) == (413, "file_too_large")


def test_announced_sizes_count_to_the_quota(api, settings):
    settings.MEDIA_USER_QUOTA_BYTES = 1000
    assert api.post("/api/v1/media/uploads", {"purpose": "chat", "size": 600}).status_code == 201
    refused = api.post("/api/v1/media/uploads", {"purpose": "chat", "size": 600})
    assert (refused.status_code, refused.json()["code"]) == (422, "storage_quota_exceeded")


def test_a_refused_session_leaves_nothing(api, filesystem_media):
    bomb = samples.decompression_bomb()
    session = api.post("/api/v1/media/uploads", {"purpose": "moment", "size": len(bomb)}).json()
    put(api, session["id"], bomb)
    refused = api.post(f"/api/v1/media/uploads/{session['id']}/complete")
    assert (refused.status_code, refused.json()["code"]) == (400, "image_too_large")
    assert stored_objects(filesystem_media) == [] and not Media.objects.exists()


def test_abandoned_sessions_expire_with_their_bytes(api, filesystem_media):
    session = api.post("/api/v1/media/uploads", {"purpose": "chat", "size": 3}).json()
    put(api, session["id"], b"abc")
    assert services.media_sessions_expire() == 0
    Media.objects.filter(pk=session["id"]).update(expires_at=timezone.now() - timedelta(1))
    assert services.media_sessions_expire() == 1
    assert stored_objects(filesystem_media) == [] and not Media.objects.exists()


def test_someone_elses_session_is_not_found(api, client_for, other_user):
    session = api.post("/api/v1/media/uploads", {"purpose": "chat", "size": 3}).json()
    refused = put(client_for(other_user), session["id"], b"abc")
    assert (refused.status_code, refused.json()["code"]) == (404, "upload_not_found")
