"""Per-user event log: store first, push after commit (DESIGN.md, Realtime)."""

import asyncio
import functools
import logging
from collections.abc import Iterable, Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from superapp.core import sql
from superapp.realtime.layers import PlazaChannelLayer
from superapp.realtime.models import EventCursor, UserEvent, event_message

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


# (sql, params) pairs: a caller's statements run together with an event append
Writes = Sequence[tuple[str, list]]

_CURSORS = EventCursor._meta.db_table
_EVENTS = UserEvent._meta.db_table


@functools.cache
def _cursor_upsert(count: int) -> str:
    """Take the next cursor of ``count`` users: rows are locked in user-id order (the VALUES
    order), so concurrent publishers to overlapping audiences cannot deadlock."""
    return (
        f"INSERT INTO {_CURSORS} (user_id, last_cursor) VALUES {', '.join(['(%s, 1)'] * count)}"
        f" ON CONFLICT (user_id) DO UPDATE SET last_cursor = {_CURSORS}.last_cursor + 1"
        " RETURNING user_id, last_cursor"
    )


_EVENT_COLUMNS = "user_id, cursor, type, payload, subject, created_at"


def _append_events(user_ids: list[int], row: dict, writes: Writes) -> list[tuple[int, int]]:
    """Run ``writes``, give each user their next cursor and store the event under it; returns
    (user, cursor) pairs. One statement on PostgreSQL (a data-modifying WITH), one per part on
    SQLite."""
    payload = UserEvent._meta.get_field("payload").get_db_prep_save(row["payload"], connection)
    values = [row["type"], payload, row["subject"], row["created_at"]]
    if connection.vendor == "postgresql":
        ctes = "".join(f"write_{n} AS ({statement}), " for n, (statement, _) in enumerate(writes))
        return sql.fetch_all(
            f"WITH {ctes}cursors AS ({_cursor_upsert(len(user_ids))})"
            f" INSERT INTO {_EVENTS} ({_EVENT_COLUMNS})"
            " SELECT user_id, last_cursor, %s, %s, %s, %s FROM cursors"
            " RETURNING user_id, cursor",
            [*(p for _, params in writes for p in params), *user_ids, *values],
        )
    for statement, params in writes:
        sql.execute(statement, params)
    cursors = sql.fetch_all(_cursor_upsert(len(user_ids)), user_ids)
    sql.insert(UserEvent, [{"user_id": uid, "cursor": cursor, **row} for uid, cursor in cursors])
    return cursors


def event_publish(
    *,
    user_ids: Iterable[int],
    type: str,
    payload: dict,
    subject: str | None = None,
    writes: Writes = (),
) -> None:
    """Append one event to each user's log and push it to their sockets once committed.

    Must run inside the transaction of the change it reports: if that rolls back, no event
    exists and nothing is pushed. ``subject`` names what the payload is a copy of, so that
    :func:`event_copies_replace` can rewrite the stored copies when it changes.

    ``writes`` are the caller's own last statements of that change, (sql, params) pairs of
    INSERT or UPDATE, run with the append in one round trip on PostgreSQL (as data-modifying
    WITH clauses, in no set order relative to it: they must not take a row lock another
    transaction could take before a cursor's, or the two could deadlock).
    """
    ids = sorted(set(user_ids))
    if not ids:
        for statement, params in writes:
            sql.execute(statement, params)
        return
    if not connection.in_atomic_block:
        raise RuntimeError("event_publish must run inside the transaction of its change")
    row = {"type": type, "payload": payload, "subject": subject, "created_at": timezone.now()}
    messages = [
        (
            user_group(uid),
            event_message(type=type, cursor=cursor, created_at=row["created_at"], payload=payload),
        )
        for uid, cursor in _append_events(ids, row, writes)
    ]
    transaction.on_commit(lambda: push_to_sockets(messages), robust=True)


def event_copies_replace(*, subject: str, payload: dict) -> int:
    """Rewrite every stored copy of ``subject`` in every user's log (the cursors stay: nothing
    is re-sent, but a later sync reads the new content). For content that must not outlive a
    recall or an erasure. Returns how many copies were rewritten."""
    return UserEvent.objects.filter(subject=subject).update(payload=payload)


def push_to_sockets(messages: list[tuple[str, dict]]) -> None:
    """Best-effort push over the channel layer. At-most-once by design; sync is the truth."""
    layer = get_channel_layer()
    if layer is None:
        return
    events = [(group, {"type": "user.event", "event": event}) for group, event in messages]

    async def send_all() -> None:  # one event per user here, so the order between them is free
        await asyncio.gather(*(layer.group_send(group, event) for group, event in events))

    try:
        if isinstance(layer, PlazaChannelLayer):
            layer.group_send_now(events)
        else:  # the in-memory layer of the embedded default
            async_to_sync(send_all)()
    except Exception:
        logger.warning("socket push failed; clients will catch up through sync", exc_info=True)


def socket_groups_update(*, user_id: int, join: list[str] = (), leave: list[str] = ()) -> None:
    """Tell the user's online sockets to join/leave shared groups, once the change commits."""
    message = {"type": "groups.update", "join": list(join), "leave": list(leave)}
    _tell_sockets_after_commit(user_id, message)


def socket_sessions_end(*, user_id: int, access_token_ids: list[int]) -> None:
    """Close the user's sockets opened with these access tokens (logged out, revoked), once
    the change commits."""
    message = {"type": "session.ended", "access_token_ids": list(access_token_ids)}
    _tell_sockets_after_commit(user_id, message)


def _tell_sockets_after_commit(user_id: int, message: dict) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(user_group(user_id), message)
        except Exception:
            logger.warning("socket message %s failed", message["type"], exc_info=True)

    transaction.on_commit(send, robust=True)
