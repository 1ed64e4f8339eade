from celery import shared_task

from superapp.media import services


@shared_task(name="media.make_thumbnails", ignore_result=True)
def make_thumbnails(media_id: int) -> None:
    services.media_thumbnails_make(media_id=media_id)


@shared_task(name="media.expire_upload_sessions", ignore_result=True)
def expire_upload_sessions() -> None:
    """Abandoned upload sessions, a batch (one transaction each row) at a time."""
    while services.media_sessions_expire(limit=500) == 500:
        continue


PERIODIC_TASKS = [(300, expire_upload_sessions)]
