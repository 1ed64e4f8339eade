"""Accounts: registration, password login, OAuth2 token issue/refresh/revoke, profile.

Consumer tokens are django-oauth-toolkit access/refresh tokens of the first-party application,
so consumers and mini-program servers share one token system (and one authentication class).
"""

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken
from oauthlib.common import generate_token

from superapp.accounts import locks
from superapp.accounts.errors import INVALID_CREDENTIALS, INVALID_REFRESH_TOKEN, USERNAME_TAKEN
from superapp.accounts.models import User
from superapp.accounts.selectors import first_party_application
from superapp.core import ratelimit
from superapp.core.errors import Conflict, DomainError, InvalidInput, RateLimited
from superapp.core.updates import model_update

CONSUMER_SCOPE = "consumer"


class InvalidCredentials(DomainError):
    status = 401
    code = INVALID_CREDENTIALS
    default_detail = "Wrong username or password."


class InvalidRefreshToken(DomainError):
    status = 401
    code = INVALID_REFRESH_TOKEN
    default_detail = "The refresh token is invalid, expired or already used."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def token_issue(
    *, user: User, family: uuid.UUID | None = None, source: RefreshToken | None = None
) -> TokenPair:
    """A fresh consumer access/refresh pair for the first-party app. A refresh continues its
    token's ``family`` (one sign-in) and records the refresh token it replaced (``source``); a
    sign-in starts a new family."""
    lifetime = settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    application = first_party_application()
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=generate_token(),
        expires=timezone.now() + timedelta(seconds=lifetime),
        scope=CONSUMER_SCOPE,
        source_refresh_token=source,
    )
    refresh = RefreshToken.objects.create(
        user=user,
        application=application,
        token=generate_token(),
        access_token=access,
        token_family=family or uuid.uuid4(),
    )
    return TokenPair(access.token, refresh.token, lifetime)


@transaction.atomic
def user_register(*, username: str, password: str, display_name: str) -> tuple[User, TokenPair]:
    candidate = User(username=username, display_name=display_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise InvalidInput(fields={"password": list(exc.messages)}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("This username is taken.", code=USERNAME_TAKEN)
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("This username is taken.", code=USERNAME_TAKEN) from exc
    return candidate, token_issue(user=candidate)


def credentials_check(*, username: str, password: str, address: str) -> User:
    """The one lockout every sign-in door shares (API login, /admin/login/,
    /brand-admin/login/ through ``superapp.accounts.backends``).

    Each attempt takes a number from the per-account and per-address counters BEFORE the
    password is checked (one atomic increment each): of any number of concurrent attempts, only
    as many as the limits allow are checked; the others get 429 ``rate_limited`` until the
    window (``LOGIN_FAILURE_WINDOW``) ends. A right password clears the account's counter and
    gives the address its number back. An unknown username costs the same hashing as a wrong
    password, so timing does not tell whether it exists."""
    window = int(settings.LOGIN_FAILURE_WINDOW.total_seconds())
    account = username.lower()
    if (
        ratelimit.increment("login-account", account, window_seconds=window)
        > settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
    ):
        raise RateLimited("Too many failed logins for this account.", retry_after=window)
    if (
        ratelimit.increment("login-address", address, window_seconds=window)
        > settings.LOGIN_MAX_FAILURES_PER_ADDRESS
    ):
        raise RateLimited("Too many failed logins from this address.", retry_after=window)
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        make_password(password)  # the work a wrong password costs
        raise InvalidCredentials()
    if not user.check_password(password):
        raise InvalidCredentials()
    ratelimit.reset("login-account", account)
    ratelimit.decrement("login-address", address)
    return user


def user_login(*, username: str, password: str, address: str) -> TokenPair:
    """Password login through the shared lockout (``credentials_check``)."""
    user = credentials_check(username=username, password=password, address=address)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        return token_issue(user=user)


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the old refresh token (and its access token) stop working, a new pair is issued.
    A refresh token used a second time means it was copied: the whole family (every token
    of that sign-in, the thief's newer ones too) is revoked, and the caller gets 401 -- unless
    the answer to its first use was lost (``_reissue_after_lost_answer``)."""
    pair, reused_family = _token_rotate(refresh_token)
    if reused_family is not None:
        RefreshToken.revoke_family(reused_family)
        raise InvalidRefreshToken()
    return pair


@transaction.atomic
def _token_rotate(refresh_token: str) -> tuple[TokenPair | None, uuid.UUID | None]:
    """(new pair, None), or (None, family) for a reused token. Locking the row makes two
    concurrent refreshes with one token take their turns."""
    token = (
        locks.refresh_tokens()
        .select_related("user")
        .filter(token=refresh_token, application__client_id=settings.FIRST_PARTY_CLIENT_ID)
        .first()
    )
    lifetime = timedelta(seconds=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"])
    if token is not None and token.revoked is not None and token.token_family is not None:
        pair = _reissue_after_lost_answer(token)
        return (pair, None) if pair is not None else (None, token.token_family)
    if (
        token is None
        or token.revoked is not None
        or token.created < timezone.now() - lifetime
        or not token.user.is_active
    ):
        raise InvalidRefreshToken()
    token.revoke()
    return token_issue(user=token.user, family=token.token_family, source=token), None


def _reissue_after_lost_answer(token: RefreshToken) -> TokenPair | None:
    """A reload while the page's refresh was on its way drops the answer, new cookie and all,
    and the browser sends the token that refresh replaced again. So a token rotated less than
    ``FIRST_PARTY_REFRESH_GRACE_SECONDS`` ago whose successor is still live (never refreshed,
    not logged out) is honoured once more: the successor is revoked, which nobody received or
    the other holder of a copy will find out at its next refresh (family revoked then), and a
    new pair takes its place. None otherwise: a reuse, which revokes the family."""
    grace = timedelta(seconds=settings.FIRST_PARTY_REFRESH_GRACE_SECONDS)
    if token.revoked <= timezone.now() - grace or not token.user.is_active:
        return None
    successor = (
        locks.refresh_tokens()
        .filter(access_token__source_refresh_token=token, revoked__isnull=True)
        .first()
    )
    if successor is None:
        return None
    successor.revoke()
    return token_issue(user=token.user, family=token.token_family, source=token)


def app_tokens_revoke(*, application_id: int, user=None, scopes=()) -> None:
    """End tokens of one OAuth application at once: every one, or one user's, or those
    carrying any of ``scopes`` (access, refresh and ID tokens, and unredeemed login codes).
    Used when the app's secret rotates, it loses a scope, or a user revokes their consent."""
    access = AccessToken.objects.filter(application_id=application_id)
    id_tokens = IDToken.objects.filter(application_id=application_id)
    grants = Grant.objects.filter(application_id=application_id)
    if user is not None:
        access, id_tokens, grants = (q.filter(user=user) for q in (access, id_tokens, grants))
    if scopes:
        carrying = Q()
        for scope in scopes:
            carrying |= Q(scope__regex=rf"(^| ){re.escape(scope)}( |$)")
        access, id_tokens, grants = (q.filter(carrying) for q in (access, id_tokens, grants))
    now = timezone.now()
    RefreshToken.objects.filter(
        application_id=application_id, revoked__isnull=True, access_token__in=access
    ).update(revoked=now, updated=now)
    if not scopes:  # refresh tokens whose access token is already gone
        orphans = RefreshToken.objects.filter(
            application_id=application_id, revoked__isnull=True, access_token__isnull=True
        )
        if user is not None:
            orphans = orphans.filter(user=user)
        orphans.update(revoked=now, updated=now)
    access.delete()
    id_tokens.delete()
    grants.delete()


@transaction.atomic
def token_revoke(*, access_token: AccessToken) -> None:
    """Log out: the access token and its refresh token stop working at once."""
    refresh = RefreshToken.objects.filter(access_token=access_token).first()
    if refresh is not None:
        refresh.revoke()
    else:
        access_token.revoke()


PROFILE_FIELDS = ("display_name", "avatar_url", "bio", "region", "findable_by_username")


def _profile_update(*, user: User, **changes) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(fields={name: ["Not an editable field."] for name in sorted(unknown)})
    model_update(user, changes, fields=PROFILE_FIELDS)
    return user


profile_update = transaction.atomic(_profile_update)  # the profile API's
# media's avatar_set changes the photo inside its own transaction (docs/architecture.md,
# "Transactions")
profile_update_nested = transaction.atomic(savepoint=False)(_profile_update)
