"""Data rights, media's part: the export lists every upload with an address to download it
(valid ``MEDIA_EXPORT_URL_SECONDS``); erasure deletes every upload's objects from storage."""

from django.conf import settings

from superapp.media import selectors, services


def export(user) -> dict:
    return {
        "uploads": [
            {
                **selectors.describe(media, expires_in=settings.MEDIA_EXPORT_URL_SECONDS),
                "created_at": media.created_at.isoformat(),
            }
            for media in selectors.uploads_of(owner=user)
        ]
    }


def erase(user) -> None:
    services.media_erase_owner(owner=user)
