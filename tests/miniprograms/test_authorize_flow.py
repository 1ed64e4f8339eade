"""The browser authorization-code + PKCE flow the discovery document advertises: a signed-out
person sent to /o/authorize/ reaches a sign-in page, then django-oauth-toolkit's consent page,
and the client redeems the code at /o/token/ for an ID token whose subject is the openid.

The client side is oauthlib's ``WebApplicationClient`` (RFC 6749 + RFC 7636 PKCE), the
library django-oauth-toolkit itself is built on; authlib and requests-oauthlib are not
dependencies of Plaza."""

import json
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client
from jwcrypto import jwk, jwt
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


class HiddenInputs(HTMLParser):
    """The hidden fields of the consent form, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value") or ""


def consent_approval(consent_page) -> dict:
    parser = HiddenInputs()
    parser.feed(consent_page.content.decode())
    return {**parser.fields, "allow": "Authorize"}


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


def test_discovery_points_at_an_authorization_endpoint_that_signs_people_in(app_and_secret):
    app, _ = app_and_secret
    document = Client().get("/o/.well-known/openid-configuration").json()
    assert document["authorization_endpoint"].endswith("/o/authorize/")
    oauth = WebApplicationClient(app.app_id)
    request_uri = authorization_request(oauth, app, oauth.create_code_verifier(64))
    response = Client().get(request_uri, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/accounts/login/"
    assert b'name="password"' in response.content


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
    browser = Client()
    sign_in = browser.get(authorization_request(oauth, app, verifier), follow=True)
    consent = browser.post(
        sign_in.request["PATH_INFO"] + "?" + sign_in.request["QUERY_STRING"],
        {"username": user.username, "password": DEFAULT_PASSWORD},
        follow=True,
    )
    assert consent.status_code == 200
    assert consent.request["PATH_INFO"] == "/o/authorize/"
    approval = consent_approval(consent)
    assert approval["client_id"] == app.app_id

    approved = browser.post("/o/authorize/", approval)
    assert approved.status_code == 302
    code = oauth.parse_request_uri_response(approved["Location"], state="state-123")["code"]
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
    user = UserFactory()
    oauth = WebApplicationClient(app.app_id)
    browser = Client()
    browser.force_login(user)
    consent = browser.get(authorization_request(oauth, app, oauth.create_code_verifier(64)))
    approved = browser.post("/o/authorize/", consent_approval(consent))
    code = oauth.parse_request_uri_response(approved["Location"], state="state-123")["code"]
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
