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
for lost messages and for retries. A transaction that wakes several drains (a payment: the
domain events' and the webhooks') rings them with one callback after its commit, their flags
in one round trip.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from superapp.core.cache import default_cache_client

logger = logging.getLogger(__name__)

_flags: dict[int, tuple[object, str]] = {}  # id(task) -> (task, its flag): a task's name is a
# lookup through Celery's proxy each time


def _flag(task) -> str:
    known = _flags.get(id(task))
    if known is None or known[0] is not task:
        known = _flags[id(task)] = (task, f"wakeup:{task.name}")
    return known[1]


def ring_after_commit(task) -> None:
    """Wake ``task`` (a drain taking no arguments) once the current transaction commits.

    The drains a transaction wakes are rung together, by the first of its commit callbacks to
    run (the others find nothing left): one round trip for their flags. They are kept on the
    connection as long as one of those callbacks is waiting: after a rollback, which drops
    the callbacks, the next transaction starts afresh."""
    connection = transaction.get_connection()
    pending = connection.__dict__.get("_wakeup_pending")
    if pending is None or not any(
        getattr(hook[1], "wakeup_pending", None) is pending for hook in connection.run_on_commit
    ):
        pending = connection._wakeup_pending = {}
    pending[id(task)] = task

    def ring_pending():
        tasks = list(pending.values())
        pending.clear()
        if tasks:
            ring(*tasks)

    ring_pending.wakeup_pending = pending
    # robust: a failing ring is logged (by the callback's __qualname__), the commit stands
    transaction.on_commit(ring_pending, robust=True)


def ring(*tasks) -> None:
    """Send each of ``tasks`` whose flag was down, raising it (on Redis in one round trip)."""
    try:
        first = _raise_flags([_flag(task) for task in tasks])
    except Exception:  # the cache is down: send the drains anyway, the broker may be up
        logger.warning("wake-up flag unavailable; sending the drain", exc_info=True)
        first = [True] * len(tasks)
    for task, raised in zip(tasks, first, strict=True):
        if raised:
            task.delay()


def _raise_flags(flags: list[str]) -> list[bool]:
    """Raise each flag that is down (``SET NX``); which ones this call raised."""
    ttl = settings.OUTBOX_WAKEUP_TTL_SECONDS
    client = default_cache_client()
    if client is None:
        return [cache.add(flag, 1, timeout=ttl) for flag in flags]
    with client.pipeline(transaction=False) as pipeline:
        for flag in flags:
            pipeline.set(cache.make_and_validate_key(flag), 1, ex=ttl, nx=True)
        return [bool(raised) for raised in pipeline.execute()]


def answer(task) -> None:
    """A drain's first step: every ring from now on sends the next drain."""
    try:
        cache.delete(_flag(task))
    except Exception:
        logger.warning("wake-up flag unavailable", exc_info=True)
