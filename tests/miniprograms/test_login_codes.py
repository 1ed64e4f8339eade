"""Login codes: single use, five minutes, redeemable only by their own app with its secret."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import Grant
from rest_framework.test import APIClient

from tests.helpers import basic_auth, run_together
from tests.miniprograms.factories import developer_app, released_app

pytestmark = pytest.mark.django_db
CODE2SESSION = "/api/v1/mp/code2session"


def code_for(client, app_id: str, **body) -> str:
    response = client.post(f"/api/v1/miniprograms/{app_id}/login", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["expires_in"] == 300
    return response.json()["code"]


def exchange(app_id: str, secret: str, code: str):
    return APIClient().post(
        CODE2SESSION, {"code": code}, format="json", HTTP_AUTHORIZATION=basic_auth(app_id, secret)
    )


def test_a_code_works_once(api):
    app, secret, _ = released_app()
    code = code_for(api, app.app_id)
    assert exchange(app.app_id, secret, code).status_code == 200
    reused = exchange(app.app_id, secret, code)
    assert reused.status_code == 400
    assert reused.json()["code"] == "invalid_code"


def test_a_code_expires_after_five_minutes(api):
    app, secret, _ = released_app()
    code = code_for(api, app.app_id)
    Grant.objects.filter(code=code).update(expires=timezone.now() - timedelta(seconds=1))
    response = exchange(app.app_id, secret, code)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_code"


def test_a_code_lives_five_minutes(api):
    app, _, _ = released_app()
    before = timezone.now()
    code = code_for(api, app.app_id)
    expires = Grant.objects.get(code=code).expires
    assert timedelta(seconds=299) <= expires - before <= timedelta(seconds=301)


def test_another_apps_code_is_refused(api):
    app_a, _, _ = released_app(name="A")
    app_b, secret_b, _ = released_app(name="B")
    code = code_for(api, app_a.app_id)
    assert exchange(app_b.app_id, secret_b, code).json()["code"] == "invalid_code"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer x", "Basic !!!", basic_auth("nobody", "x")],
)
def test_code2session_needs_the_apps_basic_credentials(api, authorization):
    app, _, _ = released_app()
    code = code_for(api, app.app_id)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = APIClient().post(CODE2SESSION, {"code": code}, format="json", **headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_client"


def test_wrong_secret_is_refused_and_the_code_survives(api):
    app, secret, _ = released_app()
    code = code_for(api, app.app_id)
    assert exchange(app.app_id, "wrong", code).status_code == 401
    assert exchange(app.app_id, secret, code).status_code == 200


def test_code2session_is_rate_limited_per_app(api, settings):
    settings.MINIPROGRAM_CODE2SESSION_PER_MINUTE = 2
    app, secret, _ = released_app()
    for _ in range(2):
        assert exchange(app.app_id, secret, "bogus").status_code == 400
    limited = exchange(app.app_id, secret, "bogus")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"


def test_unreleased_apps_cannot_be_opened(api):
    app, _, _ = developer_app()
    response = api.post(f"/api/v1/miniprograms/{app.app_id}/login")
    assert response.status_code == 404
    assert response.json()["code"] == "miniprogram_not_found"


def test_login_refuses_scopes_the_app_is_not_allowed(api):
    app, _, _ = released_app(scopes=["profile"])
    response = api.post(
        f"/api/v1/miniprograms/{app.app_id}/login", {"scopes": ["phone"]}, format="json"
    )
    assert response.status_code == 400
    assert "scopes" in response.json()["fields"]


def test_sandbox_apps_only_log_in_members_and_testers(client_for, user, other_user):
    app, _, owner = released_app()
    app.sandbox = True
    app.save()
    refused = client_for(user).post(f"/api/v1/miniprograms/{app.app_id}/login")
    assert refused.status_code == 403
    assert refused.json()["code"] == "sandbox_restricted"
    assert client_for(owner).post(f"/api/v1/miniprograms/{app.app_id}/login").status_code == 200
    client_for(owner).post(
        f"/api/v1/dev/miniprograms/{app.app_id}/testers",
        {"username": other_user.username},
        format="json",
    )
    assert (
        client_for(other_user).post(f"/api/v1/miniprograms/{app.app_id}/login").status_code == 200
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_exchanges_of_one_code_let_exactly_one_win(user, client_for):
    app, secret, _ = released_app()
    code = code_for(client_for(user), app.app_id)
    results = run_together([lambda: exchange(app.app_id, secret, code)] * 4)
    statuses = [r.status_code for r in results]
    assert sorted(statuses) == [200, 400, 400, 400]
