"""Contacts: friend requests, removal, blocks, lookup by username and by personal QR code."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from superapp.realtime.models import UserEvent
from superapp.social import selectors
from superapp.social.models import ContactRequest
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.superapp.social.factories import befriend, block

pytestmark = pytest.mark.django_db


def events_of(user, type):
    return [e.payload for e in UserEvent.objects.filter(user=user, type=type).order_by("cursor")]


def send_request(client, to, message="Hi, it's me"):
    return client.post("/api/v1/contacts/requests", {"to": to.username, "message": message})


def test_accepting_a_request_makes_both_users_contacts(api, other_user):
    sent = send_request(api, other_user)
    assert sent.status_code == 201
    assert sent.json()["status"] == "pending"
    [received] = events_of(other_user, "contact.request_received")
    assert received["request"]["message"] == "Hi, it's me"

    recipient = consumer_client(other_user)
    assert (
        recipient.get("/api/v1/contacts/requests").json()["results"][0]["id"] == sent.json()["id"]
    )
    accepted = recipient.post(f"/api/v1/contacts/requests/{sent.json()['id']}/accept")

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert [u["username"] for u in api.get("/api/v1/contacts").json()["results"]] == [
        other_user.username
    ]
    assert [u["username"] for u in recipient.get("/api/v1/contacts").json()["results"]] == [
        api.user.username
    ]
    assert events_of(api.user, "contact.added")


def test_declining_is_silent_and_makes_no_contact(api, other_user):
    request_id = send_request(api, other_user).json()["id"]
    declined = consumer_client(other_user).post(f"/api/v1/contacts/requests/{request_id}/decline")
    assert declined.json()["status"] == "declined"
    assert not selectors.are_contacts(api.user, other_user)
    assert not UserEvent.objects.filter(user=api.user).exists()


def test_a_request_crossing_a_pending_one_accepts_it(api, other_user):
    send_request(consumer_client(other_user), api.user)
    crossing = send_request(api, other_user)
    assert crossing.status_code == 201
    assert crossing.json()["status"] == "accepted"
    assert selectors.are_contacts(api.user, other_user)


@pytest.mark.parametrize(
    ("setup", "status", "code"),
    [
        ("pending", 409, "request_pending"),
        ("contacts", 409, "already_contacts"),
        ("self", 400, "cannot_add_self"),
        ("they_blocked_me", 404, "user_not_found"),
        ("i_blocked_them", 409, "user_blocked"),
    ],
)
def test_requests_that_make_no_sense_are_refused(api, other_user, setup, status, code):
    target = api.user if setup == "self" else other_user
    if setup == "pending":
        send_request(api, other_user)
    elif setup == "contacts":
        befriend(api.user, other_user)
    elif setup == "they_blocked_me":
        block(other_user, api.user)
    elif setup == "i_blocked_them":
        block(api.user, other_user)
    response = send_request(api, target)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_only_the_recipient_answers_a_request_and_only_once(api, other_user):
    request_id = send_request(api, other_user).json()["id"]
    for stranger in (api, consumer_client(UserFactory())):
        refused = stranger.post(f"/api/v1/contacts/requests/{request_id}/accept")
        assert (refused.status_code, refused.json()["code"]) == (404, "request_not_found")
    recipient = consumer_client(other_user)
    assert recipient.post(f"/api/v1/contacts/requests/{request_id}/accept").status_code == 200
    again = recipient.post(f"/api/v1/contacts/requests/{request_id}/decline")
    assert (again.status_code, again.json()["code"]) == (409, "request_answered")


def test_requests_are_rate_limited(api, settings):
    settings.CONTACT_REQUESTS_PER_DAY = 2
    statuses = [send_request(api, UserFactory()).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert ContactRequest.objects.filter(from_user=api.user).count() == 2


def test_contacts_are_listed_by_username(api):
    friends = [UserFactory(username=name) for name in ("zoe", "adam", "mia")]
    for friend in friends:
        befriend(api.user, friend)
    listed = api.get("/api/v1/contacts").json()["results"]
    assert [u["username"] for u in listed] == ["adam", "mia", "zoe"]


def test_removing_a_contact_ends_the_friendship_both_ways(api, other_user):
    befriend(api.user, other_user)
    assert api.delete(f"/api/v1/contacts/{other_user.username}").status_code == 204
    assert not selectors.are_contacts(other_user, api.user)
    again = api.delete(f"/api/v1/contacts/{other_user.username}")
    assert (again.status_code, again.json()["code"]) == (404, "contact_not_found")


def test_blocking_ends_friendship_and_pending_requests_until_unblocked(api, other_user):
    befriend(api.user, other_user)
    blocked = api.post("/api/v1/contacts/blocks", {"username": other_user.username})
    assert blocked.status_code == 201
    assert selectors.is_blocked(blocker=api.user, blocked=other_user)
    assert selectors.either_blocked(other_user, api.user)
    assert not selectors.are_contacts(api.user, other_user)
    blocked_client = consumer_client(other_user)
    assert send_request(blocked_client, api.user).status_code == 404
    twice = api.post("/api/v1/contacts/blocks", {"username": other_user.username})
    assert (twice.status_code, twice.json()["code"]) == (409, "already_blocked")

    assert api.delete(f"/api/v1/contacts/blocks/{other_user.username}").status_code == 204
    assert send_request(blocked_client, api.user).status_code == 201
    gone = api.delete(f"/api/v1/contacts/blocks/{other_user.username}")
    assert (gone.status_code, gone.json()["code"]) == (404, "block_not_found")


def test_lookup_by_username_tells_whether_they_are_a_contact(api, other_user):
    found = api.get("/api/v1/users/lookup", {"username": other_user.username.upper()})
    assert found.status_code == 200
    assert (found.json()["username"], found.json()["is_contact"]) == (other_user.username, False)
    befriend(api.user, other_user)
    assert api.get("/api/v1/users/lookup", {"username": other_user.username}).json()["is_contact"]


def test_lookup_hides_users_who_blocked_you(api, other_user):
    block(other_user, api.user)
    hidden = api.get("/api/v1/users/lookup", {"username": other_user.username})
    assert (hidden.status_code, hidden.json()["code"]) == (404, "user_not_found")


def test_lookup_by_username_respects_findable_by_username(api, other_user, client_for):
    client_for(other_user).patch("/api/v1/me", {"findable_by_username": False}, format="json")
    hidden = api.get("/api/v1/users/lookup", {"username": other_user.username})
    assert (hidden.status_code, hidden.json()["code"]) == (404, "user_not_found")
    befriend(api.user, other_user)
    assert api.get("/api/v1/users/lookup", {"username": other_user.username}).status_code == 200


def test_lookup_needs_exactly_one_key(api):
    assert api.get("/api/v1/users/lookup").status_code == 400
    assert api.get("/api/v1/users/lookup", {"username": "a", "qr": "b"}).status_code == 400


def test_personal_qr_code_resolves_to_its_owner(api, other_user):
    qr = consumer_client(other_user).get("/api/v1/me/qr").json()
    assert qr["payload"].endswith(qr["token"])
    by_token = api.get("/api/v1/users/lookup", {"qr": qr["token"]})
    by_payload = api.get("/api/v1/users/lookup", {"qr": qr["payload"]})
    assert by_token.json()["username"] == by_payload.json()["username"] == other_user.username


def test_personal_qr_code_renders_as_png(api):
    response = api.get("/api/v1/me/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_tampered_or_expired_qr_tokens_resolve_to_nobody(api, other_user, settings):
    token = consumer_client(other_user).get("/api/v1/me/qr").json()["token"]
    tampered = api.get("/api/v1/users/lookup", {"qr": token[:-2] + "xx"})
    assert (tampered.status_code, tampered.json()["code"]) == (404, "invalid_qr")
    settings.CONTACT_QR_MAX_AGE = timedelta(seconds=-1)
    expired = api.get("/api/v1/users/lookup", {"qr": token})
    assert (expired.status_code, expired.json()["code"]) == (404, "invalid_qr")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/contacts"),
        ("get", "/api/v1/contacts/requests"),
        ("post", "/api/v1/contacts/requests"),
        ("post", "/api/v1/contacts/requests/1/accept"),
        ("post", "/api/v1/contacts/requests/1/decline"),
        ("delete", "/api/v1/contacts/someone"),
        ("post", "/api/v1/contacts/blocks"),
        ("delete", "/api/v1/contacts/blocks/someone"),
        ("get", "/api/v1/users/lookup"),
        ("get", "/api/v1/me/qr"),
        ("get", "/api/v1/me/qr.png"),
    ],
)
def test_every_contacts_endpoint_needs_a_consumer_token(method, path):
    assert getattr(APIClient(), method)(path).status_code == 401
