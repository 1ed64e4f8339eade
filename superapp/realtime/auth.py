from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from superapp.accounts.selectors import access_token_by_id, access_token_by_value
from superapp.realtime.tickets import ticket_redeem


def _socket_auth(access) -> dict:
    """The socket's scope entries for this access token: the user, and the token's id and
    expiry (the consumer closes the socket when the token dies: superapp/realtime/consumers.py)."""
    if (
        access is None
        or access.is_expired()
        or access.user is None
        or not access.user.is_active
        or access.application.client_id != settings.FIRST_PARTY_CLIENT_ID
    ):
        return {"user": AnonymousUser()}
    return {"user": access.user, "access_token_id": access.pk, "access_expires": access.expires}


@database_sync_to_async
def user_for_token(token: str) -> dict:
    return _socket_auth(access_token_by_value(token))


@database_sync_to_async
def user_for_ticket(ticket: str) -> dict:
    token_id = ticket_redeem(ticket=ticket)
    return _socket_auth(access_token_by_id(token_id) if token_id else None)


class BearerTokenAuthMiddleware:
    """Authenticates a WebSocket with ``?ticket=<single-use ticket>`` (the browser app) or
    ``?token=<consumer access token>`` (native clients)."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        token = (query.get("token") or [""])[0]
        ticket = (query.get("ticket") or [""])[0]
        if ticket:
            auth = await user_for_ticket(ticket)
        else:
            auth = await user_for_token(token) if token else {"user": AnonymousUser()}
        scope = {**scope, **auth}
        return await self.inner(scope, receive, send)
