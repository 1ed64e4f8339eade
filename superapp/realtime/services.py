"""Per-user event log: store first, push after commit (DESIGN.md, Realtime)."""

import asyncio
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from superapp.realtime.models import EventCursor, UserEvent

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _next_cursors(user_ids: list[int]) -> dict[int, int]:
    """Take the next cursor of each user in one statement. Rows are locked in user-id order
    (the VALUES order), so concurrent publishers to overlapping audiences cannot deadlock."""
    table = EventCursor._meta.db_table
    values = ", ".join(["(%s, 1)"] * len(user_ids))
    sql = (
        f"INSERT INTO {table} (user_id, last_cursor) VALUES {values} "
        f"ON CONFLICT (user_id) DO UPDATE SET last_cursor = {table}.last_cursor + 1 "
        "RETURNING user_id, last_cursor"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, user_ids)
        return dict(cursor.fetchall())


def event_publish(
    *, user_ids: Iterable[int], type: str, payload: dict, subject: str | None = None
) -> list[UserEvent]:
    """Append one event to each user's log and push it to their sockets once committed.

    Must run inside the transaction of the change it reports: if that rolls back, no event
    exists and nothing is pushed. ``subject`` names what the payload is a copy of, so that
    :func:`event_copies_replace` can rewrite the stored copies when it changes.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("event_publish must run inside the transaction of its change")
    cursors = _next_cursors(ids)
    now = timezone.now()
    events = UserEvent.objects.bulk_create(
        [
            UserEvent(
                user_id=uid,
                cursor=cursors[uid],
                type=type,
                payload=payload,
                subject=subject,
                created_at=now,
            )
            for uid in ids
        ]
    )
    messages = [(user_group(e.user_id), e.as_message()) for e in events]
    transaction.on_commit(lambda: push_to_sockets(messages), robust=True)
    return events


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

    async def send_all() -> None:  # one event per user here, so the order between them is free
        await asyncio.gather(
            *(layer.group_send(group, {"type": "user.event", "event": e}) for group, e in messages)
        )

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("socket push failed; clients will catch up through sync", exc_info=True)


def socket_groups_update(*, user_id: int, join: list[str] = (), leave: list[str] = ()) -> None:
    """Tell the user's online sockets to join/leave shared groups, once the change commits."""
    message = {"type": "groups.update", "join": list(join), "leave": list(leave)}

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(user_group(user_id), message)
        except Exception:
            logger.warning("socket group update failed", exc_info=True)

    transaction.on_commit(send, robust=True)
