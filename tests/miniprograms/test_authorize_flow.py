"""The browser authorization-code + PKCE flow the discovery document advertises: /o/authorize/
lands in the app's consent page (/authorize, same query), the signed-in person approves through
/api/v1/oauth/authorize, and the client redeems the code at /o/token/ for an ID token whose
subject is the openid.

The client side is oauthlib's ``WebApplicationClient`` (RFC 6749 + RFC 7636 PKCE), the
library django-oauth-toolkit itself is built on; authlib and requests-oauthlib are not
dependencies of Plaza."""

import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from jwcrypto import jwk, jwt
from oauth2_provider.models import Grant
from oauthlib.oauth2 import WebApplicationClient

from miniprograms import services
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import basic_auth, consumer_client
from tests.miniprograms.factories import released_app

pytestmark = pytest.mark.django_db

PLAZA = "http://testserver"


@pytest.fixture
def app_and_secret(settings, monkeypatch):
    # The test server speaks plain http; oauthlib's client insists on https unless told.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    # The registered redirect URI (the app's bundle path) is absolute only with a public base.
    settings.PUBLIC_BASE_URL = PLAZA
    app, secret, _ = released_app(scopes=["profile"])
    return app, secret


def authorization_request(oauth: WebApplicationClient, app, verifier: str) -> str:
    return oauth.prepare_request_uri(
        f"{PLAZA}/o/authorize/",
        redirect_uri=app.oauth_application.default_redirect_uri,
        scope=["openid", "profile"],
        state="state-123",
        code_challenge=oauth.create_code_challenge(verifier, "S256"),
        code_challenge_method="S256",
        nonce="nonce-123",
    )


def query_of(uri: str) -> dict:
    return dict(parse_qsl(urlsplit(uri).query))


def decide(user, request_uri: str, *, allow: bool):
    return consumer_client(user).post(
        "/api/v1/oauth/authorize", {**query_of(request_uri), "allow": allow}, format="json"
    )


def test_discovery_points_at_an_authorization_endpoint_that_lands_in_the_app(
    app_and_secret, settings, tmp_path
):
    app, _ = app_and_secret
    (tmp_path / "index.html").write_text("<!doctype html><title>Plaza</title>")
    settings.WEB_APP_DIR = tmp_path
    document = Client().get("/o/.well-known/openid-configuration").json()
    assert document["authorization_endpoint"].endswith("/o/authorize/")
    oauth = WebApplicationClient(app.app_id)
    request_uri = authorization_request(oauth, app, oauth.create_code_verifier(64))
    response = Client().get(request_uri)
    assert response.status_code == 302
    landing = urlsplit(response["Location"])
    assert landing.path == "/authorize"
    assert dict(parse_qsl(landing.query)) == query_of(request_uri)
    # the app's shell answers the route (it signs the person in first)
    shell = Client().get(response["Location"])
    assert shell.status_code == 200
    assert b"<title>Plaza</title>" in shell.content


def test_the_consent_page_reads_the_client_and_its_scopes(app_and_secret):
    app, _ = app_and_secret
    oauth = WebApplicationClient(app.app_id)
    request_uri = authorization_request(oauth, app, oauth.create_code_verifier(64))
    shown = consumer_client(UserFactory()).get("/api/v1/oauth/authorize", query_of(request_uri))
    assert shown.status_code == 200, shown.content
    assert shown.json() == {
        "client_id": app.app_id,
        "name": app.name,
        "scopes": ["openid", "profile"],
        "redirect_uri": app.oauth_application.default_redirect_uri,
    }


def test_a_redirect_uri_the_client_did_not_register_is_refused_without_redirecting(
    app_and_secret,
):
    app, _ = app_and_secret
    oauth = WebApplicationClient(app.app_id)
    request_uri = oauth.prepare_request_uri(
        f"{PLAZA}/o/authorize/",
        redirect_uri="https://attacker.example/cb",
        scope=["openid"],
        code_challenge=oauth.create_code_challenge(oauth.create_code_verifier(64), "S256"),
        code_challenge_method="S256",
    )
    user = UserFactory()
    refused = decide(user, request_uri, allow=True)
    assert refused.status_code == 400
    assert refused.json()["code"] == "authorization_request_invalid"
    assert "redirect_to" not in refused.json()
    assert not Grant.objects.filter(user=user).exists()


def test_a_request_without_pkce_is_refused(app_and_secret):
    app, _ = app_and_secret
    oauth = WebApplicationClient(app.app_id)
    request_uri = oauth.prepare_request_uri(
        f"{PLAZA}/o/authorize/",
        redirect_uri=app.oauth_application.default_redirect_uri,
        scope=["openid"],
        state="state-123",
    )
    user = UserFactory()
    refused = decide(user, request_uri, allow=True)
    assert refused.status_code == 400
    assert refused.json()["code"] == "authorization_request_invalid"
    assert refused.json()["error"] == "invalid_request"
    assert not Grant.objects.filter(user=user).exists()


def test_a_scope_the_app_may_not_ask_for_is_refused(app_and_secret):
    app, _ = app_and_secret
    oauth = WebApplicationClient(app.app_id)
    request_uri = oauth.prepare_request_uri(
        f"{PLAZA}/o/authorize/",
        redirect_uri=app.oauth_application.default_redirect_uri,
        scope=["openid", "phone"],
        code_challenge=oauth.create_code_challenge(oauth.create_code_verifier(64), "S256"),
        code_challenge_method="S256",
    )
    refused = decide(UserFactory(), request_uri, allow=True)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"


def test_denying_sends_access_denied_back_and_grants_nothing(app_and_secret):
    app, _ = app_and_secret
    user = UserFactory()
    oauth = WebApplicationClient(app.app_id)
    denied = decide(
        user, authorization_request(oauth, app, oauth.create_code_verifier(64)), allow=False
    )
    assert denied.status_code == 200, denied.content
    target = denied.json()["redirect_to"]
    assert target.startswith(app.oauth_application.default_redirect_uri)
    assert query_of(target) == {"error": "access_denied", "state": "state-123"}
    assert not Grant.objects.filter(user=user).exists()
    assert consumer_client(user).get("/api/v1/me/miniprogram-grants").json()["results"] == []


def test_the_sign_in_page_shares_the_login_lockout(settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 1
    user = UserFactory()
    client = Client()
    wrong = {"username": user.username, "password": "wrong-password"}
    assert client.post("/accounts/login/", wrong).status_code == 200
    right = {"username": user.username, "password": DEFAULT_PASSWORD}
    refused = client.post("/accounts/login/", right)
    assert refused.status_code == 200
    assert b'name="password"' in refused.content
    assert "_auth_user_id" not in client.session


def test_a_signed_in_person_consents_and_the_client_completes_code_and_pkce(app_and_secret):
    app, secret = app_and_secret
    user = UserFactory()
    oauth = WebApplicationClient(app.app_id)
    verifier = oauth.create_code_verifier(64)
    approved = decide(user, authorization_request(oauth, app, verifier), allow=True)
    assert approved.status_code == 200, approved.content
    code = oauth.parse_request_uri_response(approved.json()["redirect_to"], state="state-123")[
        "code"
    ]
    # The approval is remembered as the app's consent grant, like the in-app sign-in sheet's.
    assert [
        g["scope"]
        for g in consumer_client(user).get("/api/v1/me/miniprogram-grants").json()["results"]
    ] == ["profile"]

    token = Client().post(
        "/o/token/",
        oauth.prepare_request_body(
            code=code,
            redirect_uri=app.oauth_application.default_redirect_uri,
            code_verifier=verifier,
            include_client_id=False,
        ),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )
    assert token.status_code == 200, token.content
    body = token.json()
    keys = jwk.JWKSet.from_json(Client().get("/o/.well-known/jwks.json").content)
    claims = json.loads(jwt.JWT(jwt=body["id_token"], key=keys, algs=["RS256"]).claims)
    assert claims["sub"] == services.identity_for(miniprogram=app, user=user).openid
    assert claims["aud"] == app.app_id
    assert claims["nonce"] == "nonce-123"


def test_a_wrong_verifier_ends_the_browser_flow_at_the_token_endpoint(app_and_secret):
    app, secret = app_and_secret
    oauth = WebApplicationClient(app.app_id)
    request_uri = authorization_request(oauth, app, oauth.create_code_verifier(64))
    approved = decide(UserFactory(), request_uri, allow=True)
    code = oauth.parse_request_uri_response(approved.json()["redirect_to"], state="state-123")[
        "code"
    ]
    token = Client().post(
        "/o/token/",
        urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": app.oauth_application.default_redirect_uri,
                "code_verifier": oauth.create_code_verifier(64),
            }
        ),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )
    assert token.status_code == 400
    assert token.json()["error"] == "invalid_grant"
