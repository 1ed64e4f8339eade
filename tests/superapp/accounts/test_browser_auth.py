"""The web app's refresh cookie (docs/web.md, "Tokens"): HttpOnly, SameSite, scoped to the auth
routes, usable only with the X-Plaza-Client header; native clients keep API.md's JSON."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.superapp.accounts.test_auth_api import past_the_grace

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
WEB = {"HTTP_X_PLAZA_CLIENT": "web"}


def web_login(client: APIClient, user) -> dict:
    response = client.post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD}, **WEB)
    assert response.status_code == 200
    return response


def refresh_cookie(response):
    return response.cookies[settings.REFRESH_COOKIE_NAME]


def test_web_login_puts_the_refresh_token_in_an_httponly_cookie_not_the_body():
    response = web_login(APIClient(), UserFactory())
    body = response.json()
    assert body["access_token"] and body["refresh_token"] == ""
    cookie = refresh_cookie(response)
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/v1/auth/"
    assert not cookie["secure"]


def test_the_cookie_is_secure_behind_tls():
    client = APIClient()
    user = UserFactory()
    response = client.post(
        LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD}, secure=True, **WEB
    )
    assert refresh_cookie(response)["secure"] is True


def test_native_login_keeps_the_json_contract_and_sets_no_cookie():
    user = UserFactory()
    response = APIClient().post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.json()["refresh_token"]
    assert settings.REFRESH_COOKIE_NAME not in response.cookies


def test_the_cookie_refreshes_a_session_after_a_reload_and_rotates():
    client = APIClient()
    old_cookie = refresh_cookie(web_login(client, UserFactory())).value
    response = client.post(REFRESH, {}, **WEB)
    assert response.status_code == 200
    new_cookie = refresh_cookie(response).value
    assert new_cookie and new_cookie != old_cookie
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}").get("/api/v1/me")
    assert me.status_code == 200
    # The rotated-out cookie value no longer works once the grace for a lost answer is over.
    past_the_grace(old_cookie)
    replay = APIClient()
    replay.cookies[settings.REFRESH_COOKIE_NAME] = old_cookie
    assert replay.post(REFRESH, {}, **WEB).json()["code"] == "invalid_refresh_token"


def test_a_reload_that_cut_off_the_refresh_keeps_the_session():
    """The first page's refresh rotated the token, but the reload dropped its answer and the
    new cookie with it: the next page sends the old cookie, and is signed in."""
    client = APIClient()
    old_cookie = refresh_cookie(web_login(client, UserFactory())).value
    assert client.post(REFRESH, {}, **WEB).status_code == 200
    reloaded = APIClient()
    reloaded.cookies[settings.REFRESH_COOKIE_NAME] = old_cookie
    response = reloaded.post(REFRESH, {}, **WEB)
    assert response.status_code == 200
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}").get("/api/v1/me")
    assert me.status_code == 200
    assert reloaded.post(REFRESH, {}, **WEB).status_code == 200  # its new cookie goes on


def test_the_cookie_alone_without_the_custom_header_refreshes_nothing():
    """The CSRF guard: a cross-site form or fetch cannot add X-Plaza-Client."""
    client = APIClient()
    web_login(client, UserFactory())
    response = client.post(REFRESH, {})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_refresh_token"


def test_logout_revokes_the_refresh_token_and_clears_the_cookie():
    client = APIClient()
    login = web_login(client, UserFactory())
    cookie_value = refresh_cookie(login).value
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    response = client.post(LOGOUT, **WEB)
    assert response.status_code == 204
    cleared = refresh_cookie(response)
    assert cleared.value == "" and cleared["path"] == "/api/v1/auth/"
    replay = APIClient()
    replay.cookies[settings.REFRESH_COOKIE_NAME] = cookie_value
    assert replay.post(REFRESH, {}, **WEB).status_code == 401
