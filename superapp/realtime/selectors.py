from django.conf import settings
from django.utils.module_loading import import_string

from superapp.realtime.models import EventCursor, UserEvent


def events_since(*, user, cursor: int, limit: int) -> list[UserEvent]:
    """The user's events after ``cursor``, ascending; one indexed range scan."""
    return list(UserEvent.objects.filter(user=user, cursor__gt=cursor).order_by("cursor")[:limit])


def latest_cursor(*, user) -> int:
    return EventCursor.objects.filter(user=user).values_list("last_cursor", flat=True).first() or 0


def extra_socket_groups(*, user_id: int) -> list[str]:
    """Shared channel-layer groups a user's sockets join besides ``user.<id>``, as named by the
    providers in ``settings.REALTIME_SOCKET_GROUP_PROVIDERS`` (``f(*, user_id) -> [group]``)."""
    return [
        group
        for provider in settings.REALTIME_SOCKET_GROUP_PROVIDERS
        for group in import_string(provider)(user_id=user_id)
    ]
