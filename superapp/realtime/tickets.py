"""Socket tickets: a browser opens ``/ws/?ticket=T`` instead of putting its access token in a URL
(where access logs and history would keep it). A ticket is random, names one user, lives
``WS_TICKET_TTL_SECONDS`` in the cache and works once: the first redeem deletes it."""

import secrets

from django.conf import settings
from django.core.cache import cache

_PREFIX = "ws-ticket:"


def ticket_issue(*, user_id: int) -> str:
    ticket = secrets.token_urlsafe(32)
    cache.set(_PREFIX + ticket, user_id, timeout=settings.WS_TICKET_TTL_SECONDS)
    return ticket


def ticket_redeem(*, ticket: str) -> int | None:
    """The ticket's user id, once; None when unknown, expired or already used. ``delete``
    reports whether this call removed the key, so two concurrent redeems yield one user."""
    key = _PREFIX + ticket
    user_id = cache.get(key)
    if user_id is None or not cache.delete(key):
        return None
    return user_id
