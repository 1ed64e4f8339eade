from celery import shared_task

from superapp.official import selectors
from superapp.realtime import services as realtime


@shared_task(name="official.push_broadcast", ignore_result=True)
def push_broadcast(broadcast_id: int) -> None:
    """One channel-layer message to the account's group reaches every online follower's socket
    (a hint without a cursor: the feed is the truth), whatever the number of followers."""
    broadcast = selectors.broadcast_for_push(broadcast_id=broadcast_id)
    if broadcast is None:
        return
    event = {"type": "official.broadcast", "broadcast": selectors.broadcast_summary(broadcast)}
    realtime.push_to_sockets([(selectors.account_group(broadcast.account_id), event)])


@shared_task(name="official.snapshot_follower_days", ignore_result=True)
def snapshot_follower_days() -> None:
    """Hourly: today's follower count of every account, the follower chart's history."""
    from superapp.official import services  # services imports this module (push_broadcast)

    services.follower_days_snapshot()


PERIODIC_TASKS = [(3600, snapshot_follower_days)]
