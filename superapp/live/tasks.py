from celery import shared_task
from django.conf import settings

from superapp.live import services


@shared_task(name="live.remind_followers", ignore_result=True)
def remind_followers(show_id: int) -> None:
    """The show went live: remind the brand's followers, one batch (and one transaction) of
    ``LIVE_REMINDER_BATCH`` users at a time, so a large audience never holds one request or
    one transaction."""
    after = 0
    while after is not None:
        after = services.reminder_batch_send(
            show_id=show_id, after_user_id=after, limit=settings.LIVE_REMINDER_BATCH
        )
