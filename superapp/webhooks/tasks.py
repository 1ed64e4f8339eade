from celery import shared_task

from superapp.webhooks import services


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    services.webhook_attempt(delivery_id=delivery_id)


@shared_task(name="webhooks.dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """Beat sweeps for retries that are due (and for deliveries whose first push was lost)."""
    ids = services.due_delivery_ids()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


PERIODIC_TASKS = [(5.0, dispatch_due)]
