"""openid / unionid: unlinkable across organisations, stable within one app and organisation."""

import pytest
from rest_framework.test import APIClient

from miniprograms import services
from tests.helpers import basic_auth
from tests.miniprograms.factories import released_app

pytestmark = pytest.mark.django_db


def login_and_exchange(client_for, user, miniprogram, secret) -> dict:
    code = client_for(user).post(f"/api/v1/miniprograms/{miniprogram.app_id}/login").json()["code"]
    response = APIClient().post(
        "/api/v1/mp/code2session",
        {"code": code},
        format="json",
        HTTP_AUTHORIZATION=basic_auth(miniprogram.app_id, secret),
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_openid_is_stable_for_one_app_and_user(client_for, user):
    app, secret, _ = released_app()
    first = login_and_exchange(client_for, user, app, secret)
    second = login_and_exchange(client_for, user, app, secret)
    assert first["openid"] == second["openid"]
    assert first["unionid"] == second["unionid"]
    assert first["session_key"] != second["session_key"]


def test_apps_of_different_organisations_see_unlinkable_ids(client_for, user):
    app_a, secret_a, _ = released_app(name="A")
    app_b, secret_b, _ = released_app(name="B")
    seen_by_a = login_and_exchange(client_for, user, app_a, secret_a)
    seen_by_b = login_and_exchange(client_for, user, app_b, secret_b)
    assert seen_by_a["openid"] != seen_by_b["openid"]
    assert seen_by_a["unionid"] != seen_by_b["unionid"]
    assert str(user.pk) not in {*seen_by_a.values(), *seen_by_b.values()}


def test_apps_of_one_organisation_share_the_unionid_but_not_the_openid(client_for, user):
    app_a, secret_a, owner = released_app(name="A")
    app_b, secret_b, _ = released_app(name="B", owner=owner, organisation=app_a.organisation)
    seen_by_a = login_and_exchange(client_for, user, app_a, secret_a)
    seen_by_b = login_and_exchange(client_for, user, app_b, secret_b)
    assert seen_by_a["unionid"] == seen_by_b["unionid"]
    assert seen_by_a["openid"] != seen_by_b["openid"]


def test_two_users_get_different_openids_in_one_app(client_for, user, other_user):
    app, secret, _ = released_app()
    assert (
        login_and_exchange(client_for, user, app, secret)["openid"]
        != login_and_exchange(client_for, other_user, app, secret)["openid"]
    )


def test_identity_for_is_idempotent(user):
    app, _, _ = released_app()
    assert services.identity_for(miniprogram=app, user=user) == services.identity_for(
        miniprogram=app, user=user
    )
