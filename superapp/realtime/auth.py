from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from superapp.accounts.selectors import access_token_by_value


@database_sync_to_async
def user_for_token(token: str) -> dict:
    """The socket's scope entries for this token: the user, and the token's id and expiry
    (the consumer closes the socket when the token dies: superapp/realtime/consumers.py)."""
    access = access_token_by_value(token)
    if (
        access is None
        or access.is_expired()
        or access.user is None
        or not access.user.is_active
        or access.application.client_id != settings.FIRST_PARTY_CLIENT_ID
    ):
        return {"user": AnonymousUser()}
    return {"user": access.user, "access_token_id": access.pk, "access_expires": access.expires}


class BearerTokenAuthMiddleware:
    """Authenticates a WebSocket with ``?token=<consumer access token>``."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [""])[0]
        auth = await user_for_token(token) if token else {"user": AnonymousUser()}
        scope = {**scope, **auth}
        return await self.inner(scope, receive, send)
