"""The room bus: how a message for a room reaches the hub of every ASGI process.

With ``LIVE_HUB_BUS=redis`` a message is PUBLISHed once to the room's Redis channel, to which
each process with viewers in that room holds ONE subscription; with ``memory`` (the embedded
default, a single process) it is handed to this process's hubs directly."""

import functools
import json
import logging

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def channel(show_id: int) -> str:
    return f"{settings.LIVE_REDIS_PREFIX}:room:{show_id}"


def key(show_id: int, name: str) -> str:
    return f"{settings.LIVE_REDIS_PREFIX}:{show_id}:{name}"


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


def publish(show_id: int, message: dict) -> None:
    """Publish from synchronous code. Best effort: a lost push is caught up by the next
    joiner's read of the database, and the room's own state is refreshed on the next event."""
    if settings.LIVE_HUB_BUS == "redis":
        try:
            _client(settings.REDIS_URL).publish(channel(show_id), json.dumps(message))
        except redis.RedisError:
            logger.warning("live room push failed", exc_info=True, extra={"show_id": show_id})
        return
    from miniprograms.live.hub import deliver_everywhere

    deliver_everywhere(show_id, message)


def publish_after_commit(show_id: int, message: dict) -> None:
    transaction.on_commit(lambda: publish(show_id, message), robust=True)
