"""Standard OAuth2 authorization code + PKCE at /o/token/, answering an OpenID Connect ID token
whose subject is the openid, verifiable with the published JWKS."""

import base64
import hashlib
import json
import secrets
from urllib.parse import urlencode

import pytest
from jwcrypto import jwk, jwt
from rest_framework.test import APIClient

from miniprograms import services
from tests.helpers import basic_auth
from tests.miniprograms.factories import released_app

pytestmark = pytest.mark.django_db


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def login_code(client, app, challenge: str, **extra) -> str:
    response = client.post(
        f"/api/v1/miniprograms/{app.app_id}/login",
        {"code_challenge": challenge, "code_challenge_method": "S256", **extra},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["code"]


def token_exchange(app, secret, code, verifier):
    return APIClient().post(
        "/o/token/",
        urlencode({"grant_type": "authorization_code", "code": code, "code_verifier": verifier}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )


def published_keys() -> jwk.JWKSet:
    response = APIClient().get("/o/.well-known/jwks.json")
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.content)


def test_discovery_document_points_at_token_and_jwks():
    response = APIClient().get("/o/.well-known/openid-configuration")
    assert response.status_code == 200
    document = response.json()
    assert document["token_endpoint"].endswith("/o/token/")
    assert document["jwks_uri"].endswith("/o/.well-known/jwks.json")
    assert "RS256" in document["id_token_signing_alg_values_supported"]


def test_auth_code_with_pkce_returns_an_id_token_whose_sub_is_the_openid(api):
    app, secret, _ = released_app(scopes=["profile", "pay"])
    verifier, challenge = pkce_pair()
    code = login_code(api, app, challenge, scopes=["profile"], nonce="n-123")
    response = token_exchange(app, secret, code, verifier)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {"access_token", "id_token"} <= set(body)
    assert set(body["scope"].split()) == {"openid", "profile"}

    verified = jwt.JWT(jwt=body["id_token"], key=published_keys(), algs=["RS256"])
    claims = json.loads(verified.claims)
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    assert claims["sub"] == openid
    assert claims["aud"] == app.app_id
    assert claims["nonce"] == "n-123"
    assert claims["unionid"].startswith("u_")
    assert claims["name"] == api.user.display_name
    assert str(api.user.pk) not in {str(v) for v in claims.values()}


def test_without_profile_consent_the_id_token_has_no_profile_claims(api):
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    body = token_exchange(app, secret, login_code(api, app, challenge), verifier).json()
    claims = json.loads(jwt.JWT(jwt=body["id_token"], key=published_keys()).claims)
    assert "name" not in claims


def test_a_wrong_verifier_is_refused(api):
    app, secret, _ = released_app()
    _, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    response = token_exchange(app, secret, login_code(api, app, challenge), other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_the_code_is_single_use_at_the_token_endpoint(api):
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    code = login_code(api, app, challenge)
    assert token_exchange(app, secret, code, verifier).status_code == 200
    assert token_exchange(app, secret, code, verifier).status_code == 400


def test_a_pkce_bound_code_cannot_be_spent_through_code2session(api):
    app, secret, _ = released_app()
    _, challenge = pkce_pair()
    code = login_code(api, app, challenge)
    response = APIClient().post(
        "/api/v1/mp/code2session",
        {"code": code},
        format="json",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )
    assert response.status_code == 400


def test_a_user_token_from_the_code_flow_cannot_act_as_the_app_server(api):
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    access = token_exchange(app, secret, login_code(api, app, challenge), verifier).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access['access_token']}")
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    assert client.get(f"/api/v1/mp/users/{openid}").status_code == 403


def test_userinfo_reports_the_openid_as_subject(api):
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    access = token_exchange(app, secret, login_code(api, app, challenge), verifier).json()
    response = APIClient().get(
        "/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access['access_token']}"
    )
    assert response.status_code == 200
    assert response.json()["sub"] == services.identity_for(miniprogram=app, user=api.user).openid


def test_userinfo_stops_the_moment_the_profile_grant_is_revoked(api):
    """Revoking a consent ends the app's tokens that carry it (issue 22, item 8)."""
    app, secret, _ = released_app()
    verifier, challenge = pkce_pair()
    code = login_code(api, app, challenge, scopes=["profile"])
    access = token_exchange(app, secret, code, verifier).json()["access_token"]

    def userinfo():
        return APIClient().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access}")

    assert userinfo().json()["name"] == api.user.display_name
    api.delete(f"/api/v1/me/miniprogram-grants/{app.app_id}/profile")
    assert userinfo().status_code == 401


def test_a_code_is_redeemed_though_plaza_learnt_its_address_after_the_app_was_registered(
    api, settings
):
    """`make run` seeds the demo before the server is told its address (PUBLIC_BASE_URL): the
    login code carries the redirect URI registered then, which is what /o/token/ compares."""
    settings.PUBLIC_BASE_URL = ""
    app, secret, _ = released_app(scopes=["profile"])
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8123"
    verifier, challenge = pkce_pair()
    code = login_code(api, app, challenge, scopes=["profile"])
    response = token_exchange(app, secret, code, verifier)
    assert response.status_code == 200, response.content
