"""Login codes and sessions, and the consent a user grants an app."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import Grant

from miniprograms import locks, selectors
from miniprograms.errors import GRANT_NOT_FOUND, INVALID_CODE, SANDBOX_RESTRICTED
from miniprograms.models import (
    CONSENT_SCOPES,
    AppIdentity,
    ConsentGrant,
    MiniProgram,
)
from miniprograms.services.identities import identity_for, unionid_for
from superapp.accounts import services as accounts_services
from superapp.core import ratelimit, sql
from superapp.core.errors import DomainError, Forbidden, InvalidInput, NotFound


class InvalidLoginCode(DomainError):
    status = 400
    code = INVALID_CODE
    default_detail = "The login code is invalid, expired or already used."


# --- Login, sessions, consent ------------------------------------------------------------------


def _check_consent_scopes(miniprogram: MiniProgram, scopes) -> list[str]:
    allowed = set(CONSENT_SCOPES) & set(miniprogram.allowed_scopes)
    refused = sorted(set(scopes) - allowed)
    if refused:
        raise InvalidInput(fields={"scopes": [f"This app cannot ask for: {', '.join(refused)}."]})
    return sorted(set(scopes))


@transaction.atomic
def login_code_issue(
    *,
    actor,
    app_id: str,
    scopes=(),
    code_challenge: str = "",
    code_challenge_method: str = "",
    nonce: str = "",
) -> str:
    """The consumer opens the app: record the scopes they just granted and return a one-time
    code (an OAuth2 authorization code: 5 minutes, single use) for the app's server.

    The code can be redeemed by code2session or, with PKCE, by the standard authorization-code
    grant at /o/token/ (scope ``openid``: the answer carries an ID token)."""
    miniprogram, _version = selectors.miniprogram_for_consumer(app_id=app_id, user=actor)
    if miniprogram.sandbox and not selectors.is_tester(miniprogram=miniprogram, user=actor):
        raise Forbidden("This app is in sandbox mode.", code=SANDBOX_RESTRICTED)
    scopes = _check_consent_scopes(miniprogram, scopes)
    for scope in scopes:
        consent_grant(user=actor, miniprogram=miniprogram, scope=scope)
    if code_challenge and code_challenge_method != "S256":
        raise InvalidInput(fields={"code_challenge_method": ["Use S256."]})
    code = secrets.token_urlsafe(32)
    Grant.objects.create(
        user=actor,
        application_id=miniprogram.oauth_application_id,
        code=code,
        expires=timezone.now() + timedelta(seconds=settings.MINIPROGRAM_LOGIN_CODE_SECONDS),
        # the URI registered with the app, not one computed now: the token endpoint compares the
        # two, and PUBLIC_BASE_URL may differ from when the app was registered (a seed run before
        # the server got its address)
        redirect_uri=selectors.registered_redirect_uri(miniprogram=miniprogram),
        scope=" ".join(["openid", *scopes]),
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method if code_challenge else "",
        nonce=nonce,
    )
    return code


def _redeem_code(miniprogram: MiniProgram, code: str):
    """Delete the grant (single use) and return its user; concurrent redeemers: one wins."""
    grant = (
        locks.grants()
        .select_related("user")
        .filter(code=code, application_id=miniprogram.oauth_application_id)
        .first()
    )
    if grant is None or grant.is_expired() or grant.code_challenge:
        # a PKCE-bound code may only be redeemed at /o/token/ with its verifier
        raise InvalidLoginCode()
    grant.delete()
    return grant.user


@transaction.atomic
def code2session(*, miniprogram: MiniProgram, code: str) -> dict:
    """Exchange a login code for the user's openid, unionid and a fresh session key."""
    ratelimit.hit(
        "mp-code2session",
        miniprogram.app_id,
        limit=settings.MINIPROGRAM_CODE2SESSION_PER_MINUTE,
        window_seconds=60,
    )
    user = _redeem_code(miniprogram, code)
    identity = identity_for(miniprogram=miniprogram, user=user)
    union = unionid_for(organisation=miniprogram.organisation, user=user)
    session_key = secrets.token_urlsafe(24)
    AppIdentity.objects.filter(pk=identity.pk).update(
        session_key_hash=hashlib.sha256(session_key.encode()).hexdigest()
    )
    return {"openid": identity.openid, "unionid": union.unionid, "session_key": session_key}


def consent_grant(*, user, miniprogram: MiniProgram, scope: str) -> ConsentGrant:
    """The user's active grant of ``scope`` to the app, made now unless it exists (or a
    concurrent request made it first): no savepoint, as the checkout and the login that call
    it inside their transactions need (docs/architecture.md, "Transactions")."""
    lookup = {"miniprogram": miniprogram, "user": user, "scope": scope, "revoked_at": None}
    grant, _created = sql.get_or_insert(ConsentGrant, lookup)
    return grant


@transaction.atomic
def consent_revoke(*, user, app_id: str, scope: str | None = None) -> int:
    """Revoke one scope (or all) of one app; the next API read already sees it."""
    grants = ConsentGrant.objects.filter(
        miniprogram__app_id=app_id, user=user, revoked_at__isnull=True
    )
    if scope is not None:
        grants = grants.filter(scope=scope)
    application_ids = set(grants.values_list("miniprogram__oauth_application_id", flat=True))
    revoked = grants.update(revoked_at=timezone.now())
    if not revoked:
        raise NotFound("No such grant.", code=GRANT_NOT_FOUND)
    for application_id in application_ids:  # the app's tokens for this user carrying it end
        accounts_services.app_tokens_revoke(
            application_id=application_id, user=user, scopes=[scope] if scope else ()
        )
    return revoked
