import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

from miniprograms.live import media, services

logger = logging.getLogger(__name__)


@shared_task(name="live.remind_followers", ignore_result=True)
def remind_followers(show_id: int) -> None:
    """The show went live: tell those who asked to be reminded of it, then the brand's other
    followers, one batch (and one transaction) of ``LIVE_REMINDER_BATCH`` users at a time, so a
    large audience never holds one request or one transaction. Each person is told once."""
    for send in (services.reminder_requested_batch_send, services.reminder_batch_send):
        after = 0
        while after is not None:
            after = send(show_id=show_id, after_user_id=after, limit=settings.LIVE_REMINDER_BATCH)


@shared_task(name="live.make_replay", ignore_result=True)
def make_replay(show_id: int, recording: str) -> None:
    """The show's recording is closed: remux it into an MP4 replay (ffmpeg, no re-encoding)
    and put its URL on the show. A recording ffmpeg cannot read marks the replay failed."""
    try:
        url, duration = media.recording_to_replay(Path(recording), show_id)
    except media.ConversionFailed:
        logger.warning("live replay conversion failed", exc_info=True, extra={"show_id": show_id})
        services.replay_fail(show_id=show_id)
        return
    services.replay_store(show_id=show_id, url=url, duration_seconds=duration)
