"""Security basics (issue 10): secure headers, CSRF on the cookie-authenticated admin, CORS only
for configured origins, secrets never logged, and 429 ``rate_limited`` on the guessable or
spammable endpoints."""

import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from superapp.accounts.selectors import user_by_username
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import assert_refused, basic_auth, consumer_client, register_app
from tests.payments.factories import PIN, payer
from tests.superapp.messaging.factories import direct_chat
from tests.superapp.official.factories import StaffUserFactory
from tests.superapp.social.factories import befriend

pytestmark = pytest.mark.django_db


def test_responses_carry_the_secure_headers(api):
    response = api.get("/api/v1/me")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_login_form_refuses_a_post_without_its_csrf_token():
    staff = StaffUserFactory()
    browser = Client(enforce_csrf_checks=True)
    credentials = {"username": staff.username, "password": DEFAULT_PASSWORD, "next": "/admin/"}
    assert browser.post("/admin/login/", credentials).status_code == 403

    form = browser.get("/admin/login/")
    token = form.cookies["csrftoken"].value
    signed_in = browser.post("/admin/login/", {**credentials, "csrfmiddlewaretoken": token})
    assert (signed_in.status_code, signed_in.headers["Location"]) == (302, "/admin/")


@pytest.mark.parametrize(
    "origin, allowed", [("https://app.plaza.example", True), ("https://evil.example", False)]
)
def test_cors_answers_only_the_configured_origins(settings, origin, allowed):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.plaza.example"]
    preflight = APIClient().options(
        "/api/v1/me",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == (origin if allowed else None)


def test_passwords_pins_and_tokens_never_reach_the_logs(caplog):
    """Register, fail and succeed a login, set and change a PIN, pay with it — with every
    logger at DEBUG — and look for the secrets in everything that was logged."""
    caplog.set_level(logging.DEBUG)
    password, pin, new_pin = "Sekrit-passw0rd-xyz", "739164", "846201"
    anonymous = APIClient()
    registered = anonymous.post(
        "/api/v1/auth/register",
        {"username": "logcheck", "password": password, "display_name": "Log"},
        format="json",
    )
    assert registered.status_code == 201
    assert (
        anonymous.post(
            "/api/v1/auth/login",
            {"username": "logcheck", "password": "wrong-" + password},
            format="json",
        ).status_code
        == 401
    )
    login = anonymous.post(
        "/api/v1/auth/login", {"username": "logcheck", "password": password}, format="json"
    )
    assert login.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    assert client.post("/api/v1/wallet/pin", {"pin": pin}, format="json").status_code == 200
    assert (
        client.post(
            "/api/v1/wallet/pin", {"pin": new_pin, "old_pin": pin}, format="json"
        ).status_code
        == 200
    )
    recipient = UserFactory()
    befriend(recipient, user_by_username("logcheck"))
    refused = client.post(
        "/api/v1/wallet/transfers",
        {"to": recipient.username, "amount": 100, "currency": "EUR", "pin": pin},
        format="json",
    )
    assert refused.json()["code"] == "invalid_pin"

    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    secrets = {
        "password": password,
        "pin": pin,
        "new pin": new_pin,
        "access token": login.json()["access_token"],
        "refresh token": login.json()["refresh_token"],
    }
    assert caplog.records, "nothing was logged: the check would prove nothing"
    leaked = [name for name, secret in secrets.items() if secret in logged]
    assert not leaked, f"found in the logs: {leaked}"


def test_login_is_rate_limited_per_account(settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    user = UserFactory()
    anonymous = APIClient()
    body = {"username": user.username, "password": "wrong"}
    for _ in range(3):
        assert anonymous.post("/api/v1/auth/login", body, format="json").status_code == 401
    refused = anonymous.post(
        "/api/v1/auth/login", {**body, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert_refused(refused, 429, "rate_limited")


def test_wrong_pins_lock_payments(settings):
    """Wrong PINs lock payments: 429 ``pin_locked`` with ``Retry-After`` (docs/payments.md),
    after which even the right PIN is refused until the lock expires."""
    settings.PAYMENTS_PIN_MAX_FAILURES = 3
    transfer = _transfers_by_a_payer()
    answers = [transfer("000000") for _ in range(3)] + [transfer(PIN)]
    assert [(r.status_code, r.json()["code"]) for r in answers] == [
        (422, "invalid_pin"),
        (422, "invalid_pin"),
        (429, "pin_locked"),
        (429, "pin_locked"),
    ]
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_pin_attempts_are_rate_limited_per_user(settings):
    """Every PIN-bearing request counts, right or wrong: guessing is slowed before the lock."""
    settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE = 2
    transfer = _transfers_by_a_payer()
    answers = [transfer(PIN), transfer("000000"), transfer(PIN)]
    assert [r.status_code for r in answers] == [201, 422, 429]
    assert answers[-1].json()["code"] == "rate_limited"


def _transfers_by_a_payer():
    sender = payer(balance=1000)
    recipient = UserFactory()
    befriend(sender, recipient)
    client = consumer_client(sender)

    def transfer(pin):
        body = {"to": recipient.username, "amount": 10, "currency": "EUR", "pin": pin}
        return client.post("/api/v1/wallet/transfers", body, format="json")

    return transfer


def test_code2session_is_rate_limited_per_app(settings):
    settings.MINIPROGRAM_CODE2SESSION_PER_MINUTE = 2
    miniprogram, secret = register_app(owner=UserFactory())
    server = APIClient()
    server.credentials(HTTP_AUTHORIZATION=basic_auth(miniprogram.app_id, secret))
    answers = [
        server.post("/api/v1/mp/code2session", {"code": "made-up"}, format="json") for _ in range(3)
    ]
    assert [a.status_code for a in answers[:2]] != [429, 429]
    assert_refused(answers[2], 429, "rate_limited")


def test_sending_messages_is_rate_limited_per_sender_but_retries_are_not(settings):
    settings.MESSAGE_SEND_PER_MINUTE = 2
    conversation, sender, _ = direct_chat()
    client = consumer_client(sender)
    url = f"/api/v1/conversations/{conversation.pk}/messages"

    def send(n):
        body = {"type": "text", "text": f"m{n}", "client_msg_id": f"c{n}"}
        return client.post(url, body, format="json")

    assert [send(n).status_code for n in range(2)] == [201, 201]
    refused = send(2)
    assert_refused(refused, 429, "rate_limited")
    assert send(1).status_code in (200, 201)  # a retry of a stored message still answers
