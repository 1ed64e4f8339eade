"""Every authenticated request looks its bearer token up through one hand-written statement
(superapp.accounts.selectors.access_token_by_value); it must answer exactly what the ORM would."""

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from superapp.accounts import selectors, services
from tests.factories import UserFactory
from tests.helpers import app_server_token, consumer_client, count_queries, register_app


@pytest.mark.django_db
def test_a_consumer_token_comes_back_with_its_user_and_application_in_one_query():
    user = UserFactory()
    pair = services.token_issue(user=user)
    expected = AccessToken.objects.select_related("user", "application").get(
        token=pair.access_token
    )

    found = []
    assert (
        count_queries(lambda: found.append(selectors.access_token_by_value(pair.access_token))) == 1
    )

    access = found[0]
    assert (access.pk, access.scope, access.expires) == (
        expected.pk,
        expected.scope,
        expected.expires,
    )
    assert access.resource == expected.resource == []  # a JSON field, converted as the ORM does
    assert access.user == user and access.user.username == user.username
    assert access.application.client_id == expected.application.client_id
    assert access.is_valid([]) and not access.is_expired()


@pytest.mark.django_db
def test_a_server_token_has_an_application_and_no_user():
    owner = UserFactory()
    miniprogram, secret = register_app(owner=owner)
    token = app_server_token(miniprogram, secret, scope="pay")

    access = selectors.access_token_by_value(token)

    assert access.user is None
    assert access.application.client_id == miniprogram.app_id
    assert access.allow_scopes(["pay"])


@pytest.mark.django_db
def test_an_unknown_token_is_none():
    assert selectors.access_token_by_value("not-a-token") is None


@pytest.mark.django_db
def test_an_expired_or_revoked_token_is_refused_by_the_api():
    user = UserFactory()
    api = consumer_client(user)
    assert api.get("/api/v1/me").status_code == 200

    AccessToken.objects.filter(token=api.access_token).update(expires=timezone.now())
    assert api.get("/api/v1/me").status_code == 401

    fresh = consumer_client(user)
    AccessToken.objects.filter(token=fresh.access_token).delete()  # what logout does
    assert fresh.get("/api/v1/me").status_code == 401
