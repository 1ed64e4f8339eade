"""Issue 22, High: request bodies limited while streaming, zip bombs in bundles, and one lockout
for every sign-in door (the password grant of /o/token/ is off)."""

import io
import json
import tracemalloc
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from miniprograms import bundles
from payments import pins
from payments import services as payment_services
from superapp.accounts.selectors import first_party_application
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers import basic_auth, consumer_client, register_app, run_together
from tests.miniprograms.factories import bundle_bytes, developer_app, manifest, upload_file
from tests.miniprograms.shop.factories import shop_factory
from tests.payments.factories import payer
from tests.superapp.core.test_http import call
from tests.superapp.official.factories import StaffUserFactory

MiB = 1024 * 1024


# --- 1. request bodies ---------------------------------------------------------------------------


def test_an_oversized_body_is_refused_while_streaming_before_it_is_buffered(settings):
    settings.HTTP_MAX_BODY_BYTES = 1000
    chunks = [b"[" + b"0," * 200] + [b"0," * 200] * 50 + [b"0]"]
    remaining = list(chunks)
    start, body = call(
        "POST",
        "/api/v1/auth/login",
        chunks=remaining,
        headers=[(b"content-type", b"application/json")],
    )
    assert start["status"] == 413
    assert json.loads(body)["code"] == "request_too_large"
    # the refusal came after about the limit, not after the whole body
    assert len(remaining) > 40


def test_an_announced_oversized_body_is_refused_without_reading_it(settings):
    settings.HTTP_MAX_BODY_BYTES = 1000
    start, body = call(
        "POST",
        "/api/v1/auth/login",
        chunks=(b"{}",),
        headers=[(b"content-type", b"application/json"), (b"content-length", b"400000000")],
    )
    assert (start["status"], json.loads(body)["code"]) == (413, "request_too_large")


def test_upload_routes_have_their_own_body_limits(settings):
    from superapp.core.http import body_limit_for

    assert body_limit_for("/api/v1/auth/login") == settings.HTTP_MAX_BODY_BYTES
    assert body_limit_for("/api/v1/dev/miniprograms/wx1/versions") > (
        settings.MINIPROGRAM_PACKAGE_MAX_BYTES
    )
    assert body_limit_for("/api/v1/shops/7/catalogue/import") > settings.SHOP_MAX_CSV_BYTES
    settings.HTTP_BODY_LIMITS = {"/api/v1/media/*": 50 * MiB}
    assert body_limit_for("/api/v1/media/upload") == 50 * MiB


# --- 2. zip bombs --------------------------------------------------------------------------------


def lying_zip(*, inflated_bytes: int, claimed_bytes: int = 100) -> bytes:
    """A valid bundle whose page ``pages/index.html`` inflates to ``inflated_bytes`` while its
    headers (local and central) claim ``claimed_bytes``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.json", json.dumps(manifest(pages=["pages/index"], scopes=[])))
        with archive.open("pages/index.html", "w") as page:
            zeros = b"\0" * MiB
            for _ in range(inflated_bytes // MiB):
                page.write(zeros)
    data = bytearray(buffer.getvalue())
    real = inflated_bytes.to_bytes(4, "little")
    claimed = claimed_bytes.to_bytes(4, "little")
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            if data[at + offset : at + offset + 4] == real:
                data[at + offset : at + offset + 4] = claimed
            at = data.find(signature, at + 1)
    return bytes(data)


@pytest.mark.django_db
def test_a_bundle_whose_pages_inflate_past_what_its_headers_claim_is_refused():
    miniprogram, _, owner = developer_app(scopes=[])
    response = consumer_client(owner).post(
        f"/api/v1/dev/miniprograms/{miniprogram.app_id}/versions",
        {"version": "1.0.0", "bundle": upload_file(lying_zip(inflated_bytes=8 * MiB))},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] in {"invalid_bundle", "package_too_large"}


def test_a_bundle_that_really_inflates_past_the_limit_is_refused(settings):
    settings.MINIPROGRAM_PACKAGE_MAX_BYTES = 2 * MiB
    honest = lying_zip(inflated_bytes=3 * MiB, claimed_bytes=3 * MiB)
    with pytest.raises(Exception) as refused:
        bundles.bundle_check(honest, allowed_scopes=[])
    assert refused.value.code == "package_too_large"


def test_serving_a_lying_bundle_never_inflates_more_than_the_limit():
    bomb = lying_zip(inflated_bytes=64 * MiB)
    tracemalloc.start()
    try:
        content = bundles.bundle_read(bomb, "pages/index.html")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert content is None
    assert peak < 8 * MiB


def test_an_honest_bundle_still_serves_its_files():
    data = bundle_bytes()
    bundles.bundle_check(data, allowed_scopes=["profile"])
    assert bundles.bundle_read(data, "pages/index.html") == b"<h1>pages/index</h1>"


# --- 3. one lockout for every sign-in door; no password grant; no internal ids -------------------


def _api_login(password, username):
    body = {"username": username, "password": password}
    return APIClient().post("/api/v1/auth/login", body, format="json")


def _door_user(door):
    """Someone each sign-in form lets in: platform staff, or staff who own a shop (Django's
    admin login form admits only staff)."""
    user = StaffUserFactory()
    if door == "/brand-admin/login/":
        shop_factory(owner=user)
    return user


def _admin_login(path, username, password):
    browser = Client()
    response = browser.post(path, {"username": username, "password": password, "next": path})
    return response.status_code == 302  # signed in and sent on


@pytest.mark.django_db
def test_the_password_grant_of_the_first_party_client_is_off():
    user = UserFactory()
    first_party_application()
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "password",
            "client_id": settings.FIRST_PARTY_CLIENT_ID,
            "username": user.username,
            "password": DEFAULT_PASSWORD,
            "scope": "pay openid",
        },
    )
    assert response.status_code in (400, 401), response.content
    assert "access_token" not in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("door", ["/admin/login/", "/brand-admin/login/"])
def test_api_login_failures_lock_the_cookie_sign_in_forms(door, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    staff = _door_user(door)
    assert _admin_login(door, staff.username, DEFAULT_PASSWORD)  # it would let them in
    for _ in range(3):
        assert _api_login("wrong", staff.username).status_code == 401
    assert not _admin_login(door, staff.username, DEFAULT_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("door", ["/admin/login/", "/brand-admin/login/"])
def test_the_cookie_sign_in_forms_are_throttled_and_lock_the_api_login(door, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    staff = _door_user(door)
    for _ in range(3):
        assert not _admin_login(door, staff.username, "wrong")
    assert not _admin_login(door, staff.username, DEFAULT_PASSWORD)
    refused = _api_login(DEFAULT_PASSWORD, staff.username)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")


@pytest.mark.django_db
def test_userinfo_never_shows_the_internal_user_id():
    user = UserFactory()
    access = AccessToken.objects.create(
        user=user,
        application=first_party_application(),
        token="userinfo-probe-token",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid consumer",
    )
    response = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access.token}")
    assert response.status_code == 200, response.content
    assert response.json()["sub"] not in (str(user.pk), user.pk)


# --- 6. atomic counters ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_logins_get_no_more_guesses_than_the_limit(settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    user = UserFactory()
    answers = run_together([lambda: _api_login("wrong", user.username).status_code] * 20)
    assert answers.count(401) == 5, answers
    assert answers.count(429) == 15, answers


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_pins_get_no_more_guesses_than_the_limit(settings, monkeypatch):
    """30 threads on PostgreSQL, each with its own connection, guess at once: only
    ``PAYMENTS_PIN_MAX_FAILURES`` PINs are ever compared."""
    settings.PAYMENTS_PIN_MAX_FAILURES = 4
    settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE = 100
    owner = payer(balance=0)
    compared = []
    real_matches = pins.pin_matches

    def counting_matches(pin, stored):
        compared.append(pin)
        return real_matches(pin, stored)

    monkeypatch.setattr(pins, "pin_matches", counting_matches)
    outcomes = run_together([lambda: payment_services.pin_verify(user=owner, pin="000000")] * 30)
    assert len(compared) == 4, outcomes
    assert {type(o).__name__ for o in outcomes} <= {"InvalidPin", "PinLocked"}


# --- 16. timing and CPU before any limit ----------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls: list = []

    def encode(self, password, salt):
        CountingHasher.calls.append("encode")
        return super().encode(password, salt)


@pytest.mark.django_db
def test_an_unknown_username_costs_the_same_hashing_as_a_wrong_password(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    user = UserFactory()
    user.set_password("right-password")
    user.save()
    CountingHasher.calls.clear()
    assert _api_login("wrong", user.username).status_code == 401
    known = len(CountingHasher.calls)
    CountingHasher.calls.clear()
    assert _api_login("wrong", "nobody-by-this-name").status_code == 401
    assert known >= 1
    assert len(CountingHasher.calls) == known


@pytest.mark.django_db
def test_wrong_app_secrets_are_limited_before_the_secret_hash_runs(settings):
    settings.MINIPROGRAM_SECRET_CHECKS_PER_MINUTE = 3
    miniprogram, secret = register_app(owner=UserFactory())

    def code2session(app_secret):
        server = APIClient()
        server.credentials(HTTP_AUTHORIZATION=basic_auth(miniprogram.app_id, app_secret))
        return server.post("/api/v1/mp/code2session", {"code": "x"}, format="json")

    answers = [code2session(f"wrong-{n}").status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]
    other_address = APIClient(REMOTE_ADDR="10.9.8.7")
    other_address.credentials(HTTP_AUTHORIZATION=basic_auth(miniprogram.app_id, secret))
    answer = other_address.post("/api/v1/mp/code2session", {"code": "x"}, format="json")
    assert answer.json()["code"] != "rate_limited"
