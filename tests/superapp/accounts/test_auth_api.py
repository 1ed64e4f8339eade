"""Register, login, refresh, logout and /me as API.md specifies them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from rest_framework.test import APIClient

from superapp.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"


def register(client=None, **overrides):
    body = {"username": "mei", "password": "a-Long-enough-pass-7", "display_name": "Mei"}
    return (client or APIClient()).post(REGISTER, {**body, **overrides}, format="json")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_new_user_registers_and_calls_me_with_the_token():
    response = register()
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "username", "access_token", "refresh_token"}
    me = bearer(body["access_token"]).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == "mei"
    assert me.json()["display_name"] == "Mei"
    assert me.json()["id"] == body["id"]


def test_trailing_slash_is_optional():
    assert register(client=None).status_code == 201
    assert APIClient().post(LOGIN + "/", {"username": "mei", "password": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "a"}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"username": "x" * 33}, "username"),
        ({"password": "123"}, "password"),
        ({"password": "password"}, "password"),
        ({"username": "quartz-fox", "password": "quartz-fox1"}, "password"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "d" * 65}, "display_name"),
    ],
)
def test_bad_registration_gets_400_with_fields_and_writes_nothing(overrides, field):
    response = register(**overrides)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["fields"]
    assert not User.objects.exists()


def test_non_json_or_non_object_bodies_get_a_4xx_code():
    client = APIClient()
    malformed = client.post(REGISTER, "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "parse_error"
    as_list = client.post(REGISTER, [1, 2], format="json")
    assert as_list.status_code == 400
    assert as_list.json()["code"] == "validation_error"
    form = client.post(REGISTER, "username=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert form.json()["code"] == "unsupported_media_type"


def test_usernames_are_unique_regardless_of_case():
    assert register().status_code == 201
    again = register(username="MEI")
    assert again.status_code == 409
    assert again.json()["code"] == "username_taken"
    assert User.objects.count() == 1


def test_login_returns_tokens_and_wrong_password_gets_401():
    user = UserFactory()
    ok = APIClient().post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD})
    assert ok.status_code == 200
    assert set(ok.json()) >= {"access_token", "refresh_token", "expires_in"}
    assert bearer(ok.json()["access_token"]).get("/api/v1/me").status_code == 200
    wrong = APIClient().post(LOGIN, {"username": user.username, "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"


def test_login_is_refused_with_429_after_repeated_failures_for_one_account(settings):
    user = UserFactory()
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        APIClient().post(LOGIN, {"username": user.username, "password": "wrong"})
    locked = APIClient().post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "rate_limited"
    assert "Retry-After" in locked


def test_login_is_refused_with_429_after_many_failures_from_one_address(settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    victims = UserFactory.create_batch(3)
    for victim in victims:
        APIClient().post(LOGIN, {"username": victim.username, "password": "wrong"})
    fresh = UserFactory()
    refused = APIClient().post(LOGIN, {"username": fresh.username, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 429
    elsewhere = APIClient(REMOTE_ADDR="10.9.9.9").post(
        LOGIN, {"username": fresh.username, "password": DEFAULT_PASSWORD}
    )
    assert elsewhere.status_code == 200


def refresh(refresh_token: str):
    return APIClient().post(REFRESH, {"refresh_token": refresh_token})


def past_the_grace(refresh_token: str) -> None:
    """As if the rotation of ``refresh_token`` happened longer ago than the grace allows."""
    RefreshToken.objects.filter(token=refresh_token).update(
        revoked=timezone.now() - timedelta(seconds=settings.FIRST_PARTY_REFRESH_GRACE_SECONDS + 1)
    )


def test_refresh_rotates_and_old_tokens_stop_working():
    first = register().json()
    rotated = refresh(first["refresh_token"])
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != first["refresh_token"]
    assert bearer(new["access_token"]).get("/api/v1/me").status_code == 200
    assert bearer(first["access_token"]).get("/api/v1/me").status_code == 401
    past_the_grace(first["refresh_token"])
    replay = refresh(first["refresh_token"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_refresh_token"
    assert bearer(new["access_token"]).get("/api/v1/me").status_code == 401  # the family


def test_a_refresh_whose_answer_was_lost_can_be_sent_again_at_once():
    """A reload while the page's refresh was on its way: the new cookie never arrived."""
    first = register().json()
    lost = refresh(first["refresh_token"]).json()
    again = refresh(first["refresh_token"])
    assert again.status_code == 200
    assert bearer(again.json()["access_token"]).get("/api/v1/me").status_code == 200
    assert not AccessToken.objects.filter(token=lost["access_token"]).exists()
    assert RefreshToken.objects.get(token=lost["refresh_token"]).revoked is not None
    later = refresh(again.json()["refresh_token"])  # the line goes on from the new pair
    assert later.status_code == 200


def test_the_lost_answers_token_revokes_the_family_after_the_grace():
    first = register().json()
    refresh(first["refresh_token"])
    past_the_grace(first["refresh_token"])
    assert refresh(first["refresh_token"]).status_code == 401
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()


def test_a_replaced_token_is_reuse_once_its_successor_was_refreshed():
    first = register().json()
    successor = refresh(first["refresh_token"]).json()
    newest = refresh(successor["refresh_token"]).json()
    assert refresh(first["refresh_token"]).status_code == 401
    assert bearer(newest["access_token"]).get("/api/v1/me").status_code == 401


def test_a_replaced_token_is_reuse_once_its_successor_logged_out():
    first = register().json()
    successor = refresh(first["refresh_token"]).json()
    assert bearer(successor["access_token"]).post("/api/v1/auth/logout").status_code == 204
    assert refresh(first["refresh_token"]).status_code == 401


def test_expired_access_token_is_refused():
    body = register().json()
    AccessToken.objects.filter(token=body["access_token"]).update(
        expires=timezone.now() - timedelta(seconds=1)
    )
    response = bearer(body["access_token"]).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] in {"authentication_failed", "not_authenticated"}


def test_logout_revokes_access_and_refresh_tokens():
    body = register().json()
    client = bearer(body["access_token"])
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    assert APIClient().post(REFRESH, {"refresh_token": body["refresh_token"]}).status_code == 401


def test_me_without_a_token_is_401_with_a_code():
    response = APIClient().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_profile_fields_are_editable_and_username_is_not(api):
    response = api.patch(
        "/api/v1/me",
        {"display_name": "New", "bio": "hi", "region": "DE", "username": "hijack"},
        format="json",
    )
    assert response.status_code == 200
    api.user.refresh_from_db()
    assert (api.user.display_name, api.user.bio, api.user.region) == ("New", "hi", "DE")
    assert api.user.username != "hijack"
    bad = api.patch("/api/v1/me", {"avatar_url": "not a url"}, format="json")
    assert bad.status_code == 400
    assert "avatar_url" in bad.json()["fields"]
