"""openid/unionid: stable within an app or organisation, unlinkable across organisations;
app servers authenticate with the client-credentials grant."""

import pytest
from rest_framework.test import APIClient

from miniprograms import selectors, services
from superapp.core.errors import NotFound
from tests.factories import UserFactory
from tests.helpers import app_server_token, basic_auth, register_app

pytestmark = pytest.mark.django_db


def test_openid_is_stable_per_app_and_differs_across_apps(user):
    app_a, _ = register_app(owner=user)
    app_b, _ = register_app(owner=user)
    first = services.identity_for(miniprogram=app_a, user=user).openid
    assert services.identity_for(miniprogram=app_a, user=user).openid == first
    assert services.identity_for(miniprogram=app_b, user=user).openid != first


def test_unionid_is_shared_within_an_organisation_only(user):
    owner = UserFactory()
    org_one = services.organisation_create(actor=owner, name="One")
    org_two = services.organisation_create(actor=owner, name="Two")
    one = services.unionid_for(organisation=org_one, user=user).unionid
    assert services.unionid_for(organisation=org_one, user=user).unionid == one
    assert services.unionid_for(organisation=org_two, user=user).unionid != one


def test_an_openid_resolves_only_within_its_own_app(user):
    app_a, _ = register_app(owner=user)
    app_b, _ = register_app(owner=user)
    openid = services.identity_for(miniprogram=app_a, user=user).openid
    assert selectors.user_for_openid(miniprogram=app_a, openid=openid) == user
    with pytest.raises(NotFound):
        selectors.user_for_openid(miniprogram=app_b, openid=openid)


def test_app_secret_is_stored_hashed_and_grants_a_client_credentials_token(user):
    app, secret = register_app(owner=user)
    assert secret not in app.oauth_application.client_secret
    token = app_server_token(app, secret)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/me").status_code == 403


def test_a_wrong_app_secret_gets_no_token(user):
    app, _ = register_app(owner=user)
    response = APIClient().post(
        "/o/token/",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, "wrong"),
    )
    assert response.status_code == 401
