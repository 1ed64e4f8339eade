"""Who is calling: a consumer (first-party app token for a user) or a mini-program server
(client-credentials token of a registered app). Views say which with these permissions."""

from django.conf import settings
from rest_framework.permissions import BasePermission


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
