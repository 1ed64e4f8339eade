"""Issue 22, Medium: default secrets refused in production; app tokens end with the events
that should end them; refresh-token reuse revokes the family."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from rest_framework.test import APIClient

from miniprograms import services as mp_services
from superapp.accounts.services import token_issue
from tests.factories import UserFactory
from tests.helpers import app_server_token, basic_auth
from tests.miniprograms.factories import released_app
from tests.miniprograms.test_oidc import login_code, pkce_pair, token_exchange

# --- 7. shipped default secrets --------------------------------------------------------------


def test_check_deploy_refuses_every_shipped_default_secret_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.PAYMENTS_GATEWAY_SECRET = settings.DEFAULT_PAYMENTS_GATEWAY_SECRET
    settings.PAYMENTS_PIN_KEY = settings.SECRET_KEY
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", "--deploy")
    for check_id in ("plaza.E001", "plaza.E002", "plaza.E003"):
        assert check_id in str(refused.value)


@pytest.mark.parametrize("setting", ["SECRET_KEY", "PAYMENTS_GATEWAY_SECRET", "PAYMENTS_PIN_KEY"])
def test_check_deploy_refuses_each_default_alone(settings, setting):
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 60
    settings.PAYMENTS_GATEWAY_SECRET = "g" * 40
    settings.PAYMENTS_PIN_KEY = "p" * 40
    if setting == "SECRET_KEY":
        settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    elif setting == "PAYMENTS_GATEWAY_SECRET":
        settings.PAYMENTS_GATEWAY_SECRET = settings.DEFAULT_PAYMENTS_GATEWAY_SECRET
    else:
        settings.PAYMENTS_PIN_KEY = settings.SECRET_KEY
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", "--deploy")
    assert "plaza.E00" in str(refused.value)


def test_check_deploy_accepts_secrets_set_apart(settings):
    from superapp.core.checks import default_secrets_check

    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 60
    settings.PAYMENTS_GATEWAY_SECRET = "g" * 40
    settings.PAYMENTS_PIN_KEY = "p" * 40
    assert default_secrets_check() == []
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    assert default_secrets_check() == []


# --- 8. app tokens end with the events that should end them --------------------------------------


def _code_flow_tokens(api, app, secret, scopes):
    verifier, challenge = pkce_pair()
    code = login_code(api, app, challenge, scopes=scopes)
    response = token_exchange(app, secret, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def _refresh_at_token_endpoint(app, secret, refresh_token):
    return APIClient().post(
        "/o/token/",
        urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(app.app_id, secret),
    )


@pytest.mark.django_db
def test_rotating_the_secret_ends_every_token_of_the_app(api):
    app, secret, owner = released_app(scopes=["profile", "pay"])
    server_token = app_server_token(app, secret)
    user_tokens = _code_flow_tokens(api, app, secret, ["profile"])
    new_secret = mp_services.miniprogram_secret_rotate(actor=owner, app_id=app.app_id)
    assert not AccessToken.objects.filter(token=server_token).exists()
    assert not AccessToken.objects.filter(token=user_tokens["access_token"]).exists()
    refreshed = _refresh_at_token_endpoint(app, new_secret, user_tokens["refresh_token"])
    assert refreshed.status_code == 400, refreshed.content


@pytest.mark.django_db
def test_removing_a_scope_ends_the_tokens_that_carry_it(api):
    app, secret, owner = released_app(scopes=["profile", "pay"])
    pay_token = app_server_token(app, secret, scope="pay")
    profile_token = app_server_token(app, secret, scope="profile")
    mp_services.miniprogram_update(actor=owner, app_id=app.app_id, scopes=["profile"])
    assert not AccessToken.objects.filter(token=pay_token).exists()
    assert AccessToken.objects.filter(token=profile_token).exists()


@pytest.mark.django_db
def test_revoking_consent_ends_the_users_app_tokens_and_their_refresh(api):
    app, secret, _ = released_app(scopes=["profile"])
    tokens = _code_flow_tokens(api, app, secret, ["profile"])
    assert api.delete(f"/api/v1/me/miniprogram-grants/{app.app_id}").status_code in (200, 204)
    assert not AccessToken.objects.filter(token=tokens["access_token"]).exists()
    refreshed = _refresh_at_token_endpoint(app, secret, tokens["refresh_token"])
    assert refreshed.status_code == 400
    assert "id_token" not in refreshed.json()


# --- 9. refresh-token reuse revokes the family ---------------------------------------------------


def _refresh(refresh_token):
    return APIClient().post("/api/v1/auth/refresh", {"refresh_token": refresh_token}, format="json")


@pytest.mark.django_db
def test_reusing_a_first_party_refresh_token_revokes_the_thiefs_newer_tokens():
    pair = token_issue(user=UserFactory())
    thief = _refresh(pair.refresh_token)
    assert thief.status_code == 200
    RefreshToken.objects.filter(token=pair.refresh_token).update(
        revoked=timezone.now() - timedelta(minutes=5)
    )
    assert _refresh(pair.refresh_token).status_code == 401  # the victim's copy, reused
    stolen = thief.json()
    assert not AccessToken.objects.filter(token=stolen["access_token"]).exists()
    assert _refresh(stolen["refresh_token"]).status_code == 401


@pytest.mark.django_db
def test_a_thief_refreshing_within_the_grace_is_found_out_at_its_next_refresh():
    """Within the grace a replay is taken for a lost answer: the victim's copy gets a new pair
    and the thief's is revoked; the thief's next refresh is a reuse, and ends the family."""
    pair = token_issue(user=UserFactory())
    thief = _refresh(pair.refresh_token).json()
    victim = _refresh(pair.refresh_token)
    assert victim.status_code == 200
    assert _refresh(thief["refresh_token"]).status_code == 401
    assert not AccessToken.objects.filter(token=victim.json()["access_token"]).exists()
    assert _refresh(victim.json()["refresh_token"]).status_code == 401


@pytest.mark.django_db
def test_reusing_an_app_refresh_token_revokes_the_family(api):
    app, secret, _ = released_app(scopes=["profile"])
    tokens = _code_flow_tokens(api, app, secret, ["profile"])
    newer = _refresh_at_token_endpoint(app, secret, tokens["refresh_token"])
    assert newer.status_code == 200, newer.content
    assert _refresh_at_token_endpoint(app, secret, tokens["refresh_token"]).status_code == 400
    assert not AccessToken.objects.filter(token=newer.json()["access_token"]).exists()
