"""Wake the worker that drains an outbox: once, however many commits ask at the same moment.

An outbox row (a webhook delivery, a domain-event delivery) is written in the transaction of
the change it reports, and a Celery task drains the table. One Celery message per row cost a
payment about half a millisecond of CPU per message, three messages a payment; instead a
commit rings a doorbell. The first ring sets a flag in the cache (on Redis one ``SET NX``) and
sends the drain; rings that find the flag up send nothing, because that drain has not started
yet and will read their rows. The drain takes the flag down *before* it reads the table
(:func:`answer`), so every commit either finds the flag down and sends a new drain, or
committed before the pending drain's read. The flag expires after
``OUTBOX_WAKEUP_TTL_SECONDS`` in case its drain is lost, and beat's sweeps stay the backstop
for lost messages and for retries.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def _flag(task) -> str:
    return f"wakeup:{task.name}"


def ring_after_commit(task) -> None:
    """Wake ``task`` (a drain taking no arguments) once the current transaction commits."""
    # a closure, not functools.partial: a robust callback that fails is logged by __qualname__
    transaction.on_commit(lambda: ring(task), robust=True)


def ring(task) -> None:
    try:
        first = cache.add(_flag(task), 1, timeout=settings.OUTBOX_WAKEUP_TTL_SECONDS)
    except Exception:  # the cache is down: send the drain anyway, the broker may be up
        logger.warning("wake-up flag unavailable; sending the drain", exc_info=True)
        first = True
    if first:
        task.delay()


def answer(task) -> None:
    """A drain's first step: every ring from now on sends the next drain."""
    try:
        cache.delete(_flag(task))
    except Exception:
        logger.warning("wake-up flag unavailable", exc_info=True)
