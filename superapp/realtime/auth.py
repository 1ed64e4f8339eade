from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from oauth2_provider.models import AccessToken


@database_sync_to_async
def user_for_token(token: str):
    access = (
        AccessToken.objects.select_related("user", "application")
        .filter(token=token, expires__gt=timezone.now())
        .first()
    )
    if (
        access is None
        or access.user is None
        or not access.user.is_active
        or access.application.client_id != settings.FIRST_PARTY_CLIENT_ID
    ):
        return AnonymousUser()
    return access.user


class BearerTokenAuthMiddleware:
    """Authenticates a WebSocket with ``?token=<consumer access token>``."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [""])[0]
        scope = {**scope, "user": await user_for_token(token) if token else AnonymousUser()}
        return await self.inner(scope, receive, send)
