"""The app-server API: tokens limited to the app's scopes and users, and consent per scope."""

from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from miniprograms import services
from tests.helpers import app_server_token, assert_queries_constant, basic_auth
from tests.miniprograms.factories import released_app

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def openid_of(client, app, secret, scopes=()) -> str:
    code = client.post(
        f"/api/v1/miniprograms/{app.app_id}/login", {"scopes": list(scopes)}, format="json"
    ).json()["code"]
    return (
        APIClient()
        .post(
            "/api/v1/mp/code2session",
            {"code": code},
            format="json",
            HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
        )
        .json()["openid"]
    )


@pytest.fixture
def shopper(api):
    api.put("/api/v1/me/contact", {"phone": "+4915112345678"}, format="json")
    api.post(
        "/api/v1/me/addresses",
        {
            "recipient": "Mei",
            "phone": "+4915112345678",
            "line1": "Hauptstr. 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
        format="json",
    )
    return api


def test_a_user_read_returns_only_granted_fields(shopper):
    app, secret, _ = released_app()
    openid = openid_of(shopper, app, secret, scopes=["profile"])
    token = app_server_token(app, secret, scope="profile")
    body = bearer(token).get(f"/api/v1/mp/users/{openid}").json()
    assert body["openid"] == openid
    assert body["display_name"] == shopper.user.display_name
    assert "phone" not in body and "addresses" not in body
    assert "id" not in body and "username" not in body


def test_phone_and_address_grants_add_those_fields(shopper):
    app, secret, _ = released_app()
    openid = openid_of(shopper, app, secret, scopes=["phone", "address"])
    body = bearer(app_server_token(app, secret)).get(f"/api/v1/mp/users/{openid}").json()
    assert body["phone"] == "+4915112345678"
    assert body["addresses"][0]["city"] == "Berlin"
    assert body["addresses"][0]["is_default"] is True
    assert "display_name" not in body


def test_revoking_a_grant_takes_effect_on_the_next_read(shopper):
    app, secret, _ = released_app()
    openid = openid_of(shopper, app, secret, scopes=["profile", "phone"])
    client = bearer(app_server_token(app, secret))
    assert "phone" in client.get(f"/api/v1/mp/users/{openid}").json()
    listed = shopper.get("/api/v1/me/miniprogram-grants").json()["results"]
    assert {(g["app_id"], g["scope"]) for g in listed} == {
        (app.app_id, "profile"),
        (app.app_id, "phone"),
    }
    assert shopper.delete(f"/api/v1/me/miniprogram-grants/{app.app_id}/phone").status_code == 204
    body = client.get(f"/api/v1/mp/users/{openid}").json()
    assert "phone" not in body and body["display_name"]
    assert shopper.delete(f"/api/v1/me/miniprogram-grants/{app.app_id}").status_code == 204
    assert client.get(f"/api/v1/mp/users/{openid}").json()["scopes"] == []
    assert shopper.get("/api/v1/me/miniprogram-grants").json()["results"] == []


def test_revoking_an_unknown_grant_is_404(api):
    response = api.delete("/api/v1/me/miniprogram-grants/mpnothing/phone")
    assert response.status_code == 404


def test_a_token_of_app_a_cannot_read_users_of_app_b(api):
    app_a, secret_a, _ = released_app(name="A")
    app_b, secret_b, _ = released_app(name="B")
    openid_in_b = openid_of(api, app_b, secret_b, scopes=["profile"])
    token_a = app_server_token(app_a, secret_a)
    response = bearer(token_a).get(f"/api/v1/mp/users/{openid_in_b}")
    assert response.status_code == 404
    assert response.json()["code"] == "openid_not_found"


def test_a_token_of_app_a_cannot_message_users_of_app_b(api):
    app_a, secret_a, _ = released_app(name="A")
    app_b, secret_b, _ = released_app(name="B")
    openid_in_b = openid_of(api, app_b, secret_b)
    api.post(f"/api/v1/miniprograms/{app_b.app_id}/subscriptions", {"templates": ["t"]})
    response = bearer(app_server_token(app_a, secret_a, scope="subscribe_message")).post(
        "/api/v1/mp/subscribe-messages",
        {"openid": openid_in_b, "template": "t", "data": {}},
        format="json",
    )
    assert response.status_code == 404


def test_consumer_tokens_cannot_use_the_open_api(api):
    app, secret, _ = released_app()
    openid = openid_of(api, app, secret)
    assert api.get(f"/api/v1/mp/users/{openid}").status_code == 403


def test_tokens_carry_only_scopes_the_app_is_allowed():
    app, secret, _ = released_app(scopes=["profile"])
    response = APIClient().post(
        "/o/token/",
        urlencode({"grant_type": "client_credentials", "scope": "pay"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_token_without_scope_gets_the_apps_allowed_scopes():
    app, secret, _ = released_app(scopes=["profile", "pay"])
    response = APIClient().post(
        "/o/token/",
        urlencode({"grant_type": "client_credentials"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )
    assert set(response.json()["scope"].split()) == {"profile", "pay"}


def test_narrowing_allowed_scopes_applies_to_new_tokens(api):
    app, secret, owner = released_app()
    services.miniprogram_update(actor=owner, app_id=app.app_id, scopes=["profile"])
    response = APIClient().post(
        "/o/token/",
        urlencode({"grant_type": "client_credentials", "scope": "pay"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )
    assert response.status_code == 400


def test_user_api_calls_are_counted_against_the_quota(api, settings):
    settings.MINIPROGRAM_USER_API_PER_MINUTE = 1
    app, secret, _ = released_app()
    openid = openid_of(api, app, secret)
    client = bearer(app_server_token(app, secret))
    assert client.get(f"/api/v1/mp/users/{openid}").status_code == 200
    assert client.get(f"/api/v1/mp/users/{openid}").status_code == 429


def test_listing_grants_has_no_n_plus_one(api):
    def build(n):
        for _ in range(n):
            app, _, _ = released_app()
            api.post(
                f"/api/v1/miniprograms/{app.app_id}/login",
                {"scopes": ["profile", "phone"]},
                format="json",
            )

    assert_queries_constant(build, lambda: api.get("/api/v1/me/miniprogram-grants"))
