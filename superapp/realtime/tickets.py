"""Socket tickets: a browser opens ``/ws/?ticket=T`` instead of putting its access token in a URL
(where access logs and history would keep it). A ticket is random, names the access token it was
issued under (so the socket ends when that token dies, as a ``?token=`` socket does), lives
``WS_TICKET_TTL_SECONDS`` in the cache and works once: the first redeem deletes it."""

import secrets

from django.conf import settings
from django.core.cache import cache

_PREFIX = "ws-ticket:"


def ticket_issue(*, access_token_id: int) -> str:
    ticket = secrets.token_urlsafe(32)
    cache.set(_PREFIX + ticket, access_token_id, timeout=settings.WS_TICKET_TTL_SECONDS)
    return ticket


def ticket_redeem(*, ticket: str) -> int | None:
    """The ticket's access token id, once; None when unknown, expired or already used.
    ``delete`` reports whether this call removed the key, so two concurrent redeems yield one."""
    key = _PREFIX + ticket
    token_id = cache.get(key)
    if token_id is None or not cache.delete(key):
        return None
    return token_id
