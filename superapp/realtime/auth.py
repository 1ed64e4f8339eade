from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from superapp.accounts.selectors import access_token_by_value, active_user_by_id
from superapp.realtime.tickets import ticket_redeem


@database_sync_to_async
def user_for_token(token: str):
    access = access_token_by_value(token)
    if (
        access is None
        or access.is_expired()
        or access.user is None
        or not access.user.is_active
        or access.application.client_id != settings.FIRST_PARTY_CLIENT_ID
    ):
        return AnonymousUser()
    return access.user


@database_sync_to_async
def user_for_ticket(ticket: str):
    user_id = ticket_redeem(ticket=ticket)
    user = active_user_by_id(user_id) if user_id else None
    return user or AnonymousUser()


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
            user = await user_for_ticket(ticket)
        else:
            user = await user_for_token(token) if token else AnonymousUser()
        scope = {**scope, "user": user}
        return await self.inner(scope, receive, send)
