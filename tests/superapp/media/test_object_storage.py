"""The same code against a real S3-protocol server (moto's, on a free local port): direct
uploads with presigned forms, presigned addresses, and erasure that leaves no object."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import TestCase

from superapp.accounts.privacy_api import account_erase, data_export
from superapp.media.models import Media
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.superapp.media import samples
from tests.superapp.media.helpers import fetch, stored_objects, upload
from tests.superapp.messaging.factories import direct_chat

pytestmark = pytest.mark.django_db(transaction=False)


def start_session(api, data: bytes, purpose="chat", filename="photo.jpg"):
    answer = api.post(
        "/api/v1/media/uploads", {"purpose": purpose, "size": len(data), "filename": filename}
    )
    assert answer.status_code == 201, answer.json()
    return answer.json()


def complete(api, session):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api.post(f"/api/v1/media/uploads/{session['id']}/complete")


def post_to_bucket(session, data: bytes):
    upload = session["upload"]
    assert upload["method"] == "POST"
    return requests.post(
        upload["url"], data=upload["fields"], files={"file": ("blob", data)}, timeout=10
    )


def test_an_upload_lands_in_the_bucket_and_is_served_presigned(s3_media, api):
    media = upload(api, samples.jpeg_with_gps()).json()
    keys = s3_media.object_keys()
    stored = Media.objects.get(pk=media["id"])
    assert sorted(keys) == sorted(stored.stored_keys()[:1] + list(stored.thumbnails.values()))
    served = fetch(api, media["url"])
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert b"PlazaCam" not in served.content and served.content[:2] == b"\xff\xd8"
    assert "X-Amz-Signature" in media["url"]


def test_a_direct_upload_through_a_presigned_form(s3_media, api):
    data = samples.image_bytes(size=(300, 200))
    session = start_session(api, data)
    assert session["status"] == "pending" and session["url"] is None
    assert post_to_bucket(session, data).status_code in (200, 201, 204)
    done = complete(api, session)
    assert done.status_code == 201, done.json()
    assert (done.json()["status"], done.json()["width"]) == ("ready", 300)
    assert not any(key.startswith("uploads/") for key in s3_media.object_keys())
    assert fetch(api, done.json()["url"]).status_code == 200


def test_more_bytes_than_announced_are_refused_at_completion(s3_media, api):
    """The presigned form caps the size (content-length-range) where the server enforces it
    (AWS, MinIO; moto does not); completion checks again, and removes what came."""
    session = start_session(api, b"x" * 100)
    post_to_bucket(session, samples.image_bytes())
    refused = complete(api, session)
    assert (refused.status_code, refused.json()["code"]) == (413, "file_too_large")
    assert s3_media.object_keys() == [] and not Media.objects.exists()


def test_completing_before_sending_is_refused(s3_media, api):
    session = start_session(api, b"x" * 100)
    refused = complete(api, session)
    assert (refused.status_code, refused.json()["code"]) == (409, "upload_incomplete")


def test_a_refused_direct_upload_leaves_nothing(s3_media, api):
    session = start_session(api, samples.SVG_WITH_SCRIPT, purpose="avatar", filename="a.svg")
    post_to_bucket(session, samples.SVG_WITH_SCRIPT)
    refused = complete(api, session)
    assert (refused.status_code, refused.json()["code"]) == (415, "unsupported_media_type")
    assert s3_media.object_keys() == []
    assert not Media.objects.exists()


def test_public_uploads_are_unsigned_and_cacheable(s3_media, api, settings):
    settings.MEDIA_PUBLIC_BASE_URL = "https://cdn.plaza.example"
    media = upload(api, samples.image_bytes(), purpose="avatar").json()
    assert media["url"].startswith("https://cdn.plaza.example/public/avatar/")
    key = media["url"].removeprefix("https://cdn.plaza.example/")
    head = s3_media.client().head_object(Bucket=s3_media.bucket, Key=key)
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentType"] == "image/jpeg"


def test_a_non_member_cannot_fetch_chat_media_from_the_bucket_even_with_its_key(s3_media):
    """The bucket (with the policy docs/media.md prescribes: anonymous reads of public/* only)
    refuses a private key without a signature; Plaza gives a non-member no address at all."""
    s3_media.allow_public_reads()
    conversation, alice, _ = direct_chat()
    alice = consumer_client(alice)
    media = upload(alice, samples.image_bytes(size=(600, 400))).json()
    sent = alice.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"type": "image", "payload": {"media": media["id"]}, "client_msg_id": "m1"},
    )
    assert sent.status_code == 201, sent.json()
    stored = Media.objects.get(pk=media["id"])
    assert stored.key.startswith("private/chat/") and stored.thumbnails

    stranger = consumer_client(UserFactory())
    assert stranger.get(f"/api/v1/media/{media['id']}").status_code == 404
    for key in [stored.key, *stored.thumbnails.values()]:
        bare = requests.get(f"{s3_media.endpoint}/{s3_media.bucket}/{key}", timeout=10)
        assert (bare.status_code, key) == (403, key)
    assert fetch(alice, media["url"]).status_code == 200

    avatar = upload(stranger, samples.image_bytes(), purpose="avatar").json()
    assert "X-Amz-Signature" not in avatar["url"]
    assert requests.get(avatar["url"], timeout=10).status_code == 200


def test_private_addresses_are_presigned_to_expire(s3_media, api, settings):
    """The presigned GET lasts MEDIA_SIGNED_URL_SECONDS from now. Refusing it afterwards is the
    S3 service's part (AWS, MinIO, Ceph, R2 do); moto's server does not check X-Amz-Expires,
    so the refusal itself is tested on the filesystem backend (test_access.py)."""
    settings.MEDIA_SIGNED_URL_SECONDS = 60
    media = upload(api, samples.voice_ogg(), name="note.ogg").json()
    query = parse_qs(urlsplit(media["url"]).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 30
    assert "X-Amz-Signature" in query and fetch(api, media["url"]).status_code == 200


def _uploads_of_every_kind(api):
    with TestCase.captureOnCommitCallbacks(execute=True):
        upload(api, samples.image_bytes(size=(900, 700)))
        upload(api, samples.video_mp4(), name="clip.mp4")
        upload(api, samples.voice_webm_as_recorded(), name="voice.webm")
        upload(api, b"%PDF-1.4 a file", name="report.pdf", content_type="application/pdf")
        upload(api, samples.image_bytes(), purpose="avatar")
        start_session(api, b"abc")  # an unfinished upload session counts too


def test_erasure_leaves_no_object_in_the_bucket(s3_media):
    user = UserFactory(password="pw-erase-1")
    api = consumer_client(user)
    _uploads_of_every_kind(api)
    session = Media.objects.get(status="pending")
    s3_media.client().put_object(Bucket=s3_media.bucket, Key=session.key, Body=b"abc")
    keeper = consumer_client(UserFactory())
    kept = upload(keeper, samples.image_bytes()).json()
    exported = data_export(user=user)["apps"]["media"]["uploads"]
    assert len(exported) == 6 and requests.get(exported[0]["url"], timeout=10).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        account_erase(actor=user, password="pw-erase-1")
    assert not Media.objects.filter(owner=user).exists()
    kept = Media.objects.get(pk=kept["id"])
    assert sorted(s3_media.object_keys()) == sorted([kept.key, *kept.thumbnails.values()])


def test_erasure_leaves_no_file_on_disk(filesystem_media):
    user = UserFactory(password="pw-erase-1")
    api = consumer_client(user)
    _uploads_of_every_kind(api)
    session = Media.objects.get(status="pending")
    api.generic(
        "PUT",
        f"/api/v1/media/uploads/{session.pk}/content",
        b"abc",
        content_type="application/octet-stream",
    )
    assert len(stored_objects(filesystem_media)) >= 10
    with TestCase.captureOnCommitCallbacks(execute=True):
        account_erase(actor=user, password="pw-erase-1")
    assert stored_objects(filesystem_media) == []
    assert not Media.objects.exists()
