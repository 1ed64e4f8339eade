"""Accounts: registration, password login, OAuth2 token issue/refresh/revoke, profile.

Consumer tokens are django-oauth-toolkit access/refresh tokens of the first-party application,
so consumers and mini-program servers share one token system (and one authentication class).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from oauthlib.common import generate_token

from superapp.accounts.models import User
from superapp.accounts.selectors import first_party_application
from superapp.core import ratelimit
from superapp.core.errors import Conflict, DomainError, InvalidInput, RateLimited

CONSUMER_SCOPE = "consumer"


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_detail = "Wrong username or password."


class InvalidRefreshToken(DomainError):
    status = 401
    code = "invalid_refresh_token"
    default_detail = "The refresh token is invalid, expired or already used."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def token_issue(*, user: User) -> TokenPair:
    """A fresh consumer access/refresh pair for the first-party app."""
    lifetime = settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    application = first_party_application()
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=generate_token(),
        expires=timezone.now() + timedelta(seconds=lifetime),
        scope=CONSUMER_SCOPE,
    )
    refresh = RefreshToken.objects.create(
        user=user, application=application, token=generate_token(), access_token=access
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
        raise Conflict("This username is taken.", code="username_taken")
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("This username is taken.", code="username_taken") from exc
    return candidate, token_issue(user=candidate)


def _check_login_allowed(username: str, address: str) -> None:
    window = int(settings.LOGIN_FAILURE_WINDOW.total_seconds())
    if (
        ratelimit.count("login-account", username.lower())
        >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
    ):
        raise RateLimited("Too many failed logins for this account.", retry_after=window)
    if ratelimit.count("login-address", address) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
        raise RateLimited("Too many failed logins from this address.", retry_after=window)


def _record_login_failure(username: str, address: str) -> None:
    window = int(settings.LOGIN_FAILURE_WINDOW.total_seconds())
    ratelimit.increment("login-account", username.lower(), window_seconds=window)
    ratelimit.increment("login-address", address, window_seconds=window)


def user_login(*, username: str, password: str, address: str) -> TokenPair:
    """Password login. Failures are counted per account and per client address; past the
    limits (settings ``LOGIN_MAX_FAILURES_*``) every attempt gets 429 until the window ends."""
    _check_login_allowed(username, address)
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or not user.check_password(password):
        _record_login_failure(username, address)
        raise InvalidCredentials()
    ratelimit.reset("login-account", username.lower())
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        return token_issue(user=user)


@transaction.atomic
def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the old refresh token (and its access token) stop working, a new pair is issued.
    Locking the row makes two concurrent refreshes with one token yield one new pair."""
    token = (
        RefreshToken.objects.select_for_update()
        .select_related("user")
        .filter(
            token=refresh_token,
            revoked__isnull=True,
            application__client_id=settings.FIRST_PARTY_CLIENT_ID,
        )
        .first()
    )
    lifetime = timedelta(seconds=settings.OAUTH2_PROVIDER["REFRESH_TOKEN_EXPIRE_SECONDS"])
    if token is None or token.created < timezone.now() - lifetime or not token.user.is_active:
        raise InvalidRefreshToken()
    token.revoke()
    return token_issue(user=token.user)


@transaction.atomic
def token_revoke(*, access_token: AccessToken) -> None:
    """Log out: the access token and its refresh token stop working at once."""
    refresh = RefreshToken.objects.filter(access_token=access_token).first()
    if refresh is not None:
        refresh.revoke()
    else:
        access_token.revoke()


PROFILE_FIELDS = ("display_name", "avatar_url", "bio", "region", "findable_by_username")


@transaction.atomic
def profile_update(*, user: User, **changes) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(fields={name: ["Not an editable field."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(user, name, value)
    user.save(update_fields=list(changes))
    return user
