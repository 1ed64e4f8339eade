"""Who is calling: a consumer (first-party app token for a user) or a mini-program server
(client-credentials token of a registered app). Views say which with these permissions."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission


def token_client_id(request) -> str | None:
    application = getattr(request.auth, "application", None)
    return application.client_id if application is not None else None


def is_consumer_request(request) -> bool:
    user = getattr(request, "user", None)
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and token_client_id(request) == settings.FIRST_PARTY_CLIENT_ID
    )


def is_app_server_request(request) -> bool:
    token = request.auth
    return (
        token is not None
        and getattr(token, "user_id", 1) is None
        and token_client_id(request) not in (None, settings.FIRST_PARTY_CLIENT_ID)
    )


class IsConsumer(BasePermission):
    """A signed-in user calling through the first-party app."""

    message = "A consumer access token is required."

    def has_permission(self, request, view) -> bool:
        return is_consumer_request(request)


class IsAppServer(BasePermission):
    """A mini-program server with a client-credentials token holding ``view.required_scopes``."""

    message = "A mini-program token with the required scope is required."

    def has_permission(self, request, view) -> bool:
        if not is_app_server_request(request):
            return False
        return request.auth.allow_scopes(getattr(view, "required_scopes", []))


def is_app_user_request(request) -> bool:
    """A user's token that the person granted to a mini-program (authorization code + PKCE):
    a user, an application, and not the first-party app."""
    token = request.auth
    user = getattr(request, "user", None)
    return (
        token is not None
        and getattr(token, "user_id", None) is not None
        and user is not None
        and user.is_active
        and token_client_id(request) not in (None, settings.FIRST_PARTY_CLIENT_ID)
    )


class IsConsumerOrGrantedApp(BasePermission):
    """A consumer through the first-party app, or a mini-program calling with a user token that
    holds ``scope`` (the Storefront API: docs/shop.md). A granted token is admitted only on
    views that say so: ``granted_methods`` (all methods when unset; ``SAFE_METHODS`` for views
    whose writes are the brand's). Anything else with an app's user token is 403 with the
    stable code ``<scope>_scope_required`` (the token lacks the scope) or ``permission_denied``
    (the view is not open to apps)."""

    scope = ""
    granted_methods: tuple[str, ...] | None = None

    def has_permission(self, request, view) -> bool:
        if is_consumer_request(request):
            return True
        if not is_app_user_request(request):
            return False
        methods = getattr(view, "granted_methods", self.granted_methods)
        if methods is not None and request.method not in methods:
            return False
        if not request.auth.allow_scopes([self.scope]):
            # imported here: DRF imports this module while errors.py is still loading
            from superapp.core.errors import Forbidden

            raise Forbidden(
                f"This token was not granted the {self.scope!r} scope.",
                code=f"{self.scope}_scope_required",
            )
        return True


class IsShopper(IsConsumerOrGrantedApp):
    """The shop's consumer endpoints: the first-party app or a token with the ``shop`` scope."""

    scope = "shop"


class IsAddressReader(IsConsumerOrGrantedApp):
    """The address book: the first-party app, or an app's token with ``address``, reading."""

    scope = "address"
    granted_methods = tuple(SAFE_METHODS)


class IsConsumerOrAppServer(BasePermission):
    message = "A consumer or mini-program token is required."

    def has_permission(self, request, view) -> bool:
        return IsConsumer().has_permission(request, view) or IsAppServer().has_permission(
            request, view
        )


class IsPlatformStaff(BasePermission):
    """Platform staff (reviewers, moderators) signed in through the first-party app."""

    def has_permission(self, request, view) -> bool:
        return is_consumer_request(request) and request.user.is_staff
