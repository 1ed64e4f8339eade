"""Who may see what: chat uploads only by the conversation's members, Moments uploads by the
Moment's audience, public uploads by anyone; signed addresses expire."""

from urllib.parse import parse_qs, urlsplit

import pytest

from superapp.media import storage
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.superapp.media import samples
from tests.superapp.media.helpers import body_of, fetch, upload
from tests.superapp.messaging.factories import direct_chat
from tests.superapp.social.factories import befriend

pytestmark = pytest.mark.django_db


def send(api, conversation_id, type, payload, client_msg_id="m1"):
    return api.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        {"type": type, "payload": payload, "client_msg_id": client_msg_id},
    )


@pytest.fixture
def chat():
    conversation, alice, bob = direct_chat()
    return conversation, consumer_client(alice), consumer_client(bob)


def test_a_photo_sent_in_a_chat_is_seen_by_members_only(chat):
    conversation, alice, bob = chat
    media = upload(alice, samples.image_bytes()).json()
    sent = send(alice, conversation.pk, "image", {"media": media["id"]})
    assert sent.status_code == 201, sent.json()
    payload = sent.json()["payload"]
    assert payload["media"] == media["id"]
    assert (payload["kind"], payload["width"], payload["height"]) == ("image", 64, 48)

    seen = bob.get(f"/api/v1/media/{media['id']}")
    assert seen.status_code == 200
    assert fetch(bob, seen.json()["url"]).status_code == 200

    stranger = consumer_client(UserFactory())
    answer = stranger.get(f"/api/v1/media/{media['id']}")
    assert (answer.status_code, answer.json()["code"]) == (404, "media_not_found")


def test_a_non_member_cannot_fetch_chat_media_even_with_its_key(chat):
    conversation, alice, _ = chat
    media = upload(alice, samples.image_bytes()).json()
    send(alice, conversation.pk, "image", {"media": media["id"]})
    signed = urlsplit(media["url"])
    stranger = consumer_client(UserFactory())
    bare = stranger.get(signed.path)
    assert (bare.status_code, bare.json()["code"]) == (403, "invalid_signature")
    # a signature made for another object does not open this one
    other = urlsplit(upload(stranger, samples.image_bytes(color=(0, 0, 9))).json()["url"])
    borrowed = stranger.get(f"{signed.path}?{other.query}")
    assert borrowed.status_code == 403


def test_an_expired_signed_address_is_refused(chat, monkeypatch):
    _, alice, _ = chat
    url = upload(alice, samples.image_bytes()).json()["url"]
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    assert fetch(alice, url).status_code == 200
    monkeypatch.setattr(storage.time, "time", lambda: expires + 1)
    refused = fetch(alice, url)
    assert (refused.status_code, refused.json()["code"]) == (403, "invalid_signature")


@pytest.mark.parametrize(
    "purpose, type, make, code, status",
    [
        ("chat", "voice", samples.image_bytes, "media_kind_mismatch", 400),
        ("moment", "image", samples.image_bytes, "media_wrong_purpose", 422),
    ],
)
def test_messages_take_only_fitting_chat_uploads(chat, purpose, type, make, code, status):
    conversation, alice, _ = chat
    media = upload(alice, make(), purpose=purpose).json()
    refused = send(alice, conversation.pk, type, {"media": media["id"]})
    assert (refused.status_code, refused.json()["code"]) == (status, code)


def test_a_message_cannot_show_someone_elses_upload(chat):
    conversation, alice, bob = chat
    media = upload(bob, samples.image_bytes()).json()
    refused = send(alice, conversation.pk, "image", {"media": media["id"]})
    assert (refused.status_code, refused.json()["code"]) == (404, "media_not_found")


def test_voice_video_and_file_messages(chat):
    conversation, alice, bob = chat
    for number, (type, data, name) in enumerate(
        [
            ("voice", samples.voice_ogg(), "note.ogg"),
            ("video", samples.video_mp4(), "clip.mp4"),
            ("file", b"%PDF-1.4 not really", "report.pdf"),
        ]
    ):
        media = upload(alice, data, name=name, content_type="application/octet-stream").json()
        sent = send(alice, conversation.pk, type, {"media": media["id"]}, f"m{number}")
        assert sent.status_code == 201, sent.json()
        assert sent.json()["payload"]["kind"] == type
        assert bob.get(f"/api/v1/media/{media['id']}").status_code == 200
    assert sent.json()["payload"]["name"] == "report.pdf"


def test_image_urls_from_before_uploads_are_still_accepted(chat):
    conversation, alice, _ = chat
    payload = {"url": "https://cdn.example/a.jpg", "width": 10, "height": 10, "size": 100}
    assert send(alice, conversation.pk, "image", payload).status_code == 201


def test_moment_photos_follow_the_moments_visibility():
    author, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    befriend(author, friend)
    api = consumer_client(author)
    photos = [upload(api, samples.image_bytes(), purpose="moment").json()["id"] for _ in range(2)]
    created = api.post(
        "/api/v1/moments", {"text": "Lake", "images": [*photos, "https://cdn.example/x.jpg"]}
    )
    assert created.status_code == 201, created.json()
    feed = consumer_client(friend).get("/api/v1/moments/feed").json()["results"]
    assert [m["id"] for m in feed[0]["media"]] == photos
    assert feed[0]["images"][2] == "https://cdn.example/x.jpg"
    assert fetch(api, feed[0]["images"][0]).status_code == 200
    assert consumer_client(friend).get(f"/api/v1/media/{photos[0]}").status_code == 200
    assert consumer_client(stranger).get(f"/api/v1/media/{photos[0]}").status_code == 404


def test_a_moment_takes_at_most_nine_photos(api, settings):
    photos = [upload(api, samples.image_bytes(), purpose="moment").json()["id"] for _ in range(10)]
    refused = api.post("/api/v1/moments", {"images": photos})
    assert refused.status_code == 400
    assert "images" in refused.json()["fields"]
    assert api.post("/api/v1/moments", {"images": photos[:9]}).status_code == 201


def test_public_uploads_are_cacheable_and_open_to_anyone(api):
    media = upload(api, samples.image_bytes(), purpose="product").json()
    assert "signature" not in media["url"]
    stranger = consumer_client(UserFactory())
    assert stranger.get(f"/api/v1/media/{media['id']}").status_code == 200
    served = fetch(stranger, media["url"])
    assert served.status_code == 200
    assert "immutable" in served["Cache-Control"]
    assert body_of(served)[:2] == b"\xff\xd8"


def test_an_avatar_upload_becomes_the_profile_photo(api, client_for, other_user):
    media = upload(api, samples.image_bytes(), purpose="avatar").json()
    answer = api.post("/api/v1/me/avatar", {"media": media["id"]})
    assert answer.status_code == 200, answer.json()
    assert api.get("/api/v1/me").json()["avatar_url"] == media["url"] == answer.json()["avatar_url"]
    theirs = client_for(other_user).post("/api/v1/me/avatar", {"media": media["id"]})
    assert (theirs.status_code, theirs.json()["code"]) == (404, "media_not_found")
    chat_photo = upload(api, samples.image_bytes()).json()
    wrong = api.post("/api/v1/me/avatar", {"media": chat_photo["id"]})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "media_wrong_purpose")
