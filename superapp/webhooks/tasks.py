from datetime import datetime

from celery import shared_task

from superapp.core import wakeup
from superapp.webhooks import services


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int, lease: str | None = None) -> None:
    """Attempt one delivery: a due one, or the one a dispatch leased to this job."""
    services.webhook_attempt(
        delivery_id=delivery_id, lease=datetime.fromisoformat(lease) if lease else None
    )


@shared_task(name="webhooks.dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """Hand every due delivery to a ``deliver`` job: woken after each commit that enqueued one
    (superapp/core/wakeup.py), and swept by beat for retries and lost jobs."""
    wakeup.answer(dispatch_due)
    leased = services.deliveries_lease()
    for delivery_id, lease in leased:
        deliver.delay(delivery_id, lease.isoformat())
    return len(leased)


PERIODIC_TASKS = [(5.0, dispatch_due)]
