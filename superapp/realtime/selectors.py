from superapp.realtime.models import EventCursor, UserEvent


def events_since(*, user, cursor: int, limit: int) -> list[UserEvent]:
    """The user's events after ``cursor``, ascending; one indexed range scan."""
    return list(UserEvent.objects.filter(user=user, cursor__gt=cursor).order_by("cursor")[:limit])


def latest_cursor(*, user) -> int:
    return EventCursor.objects.filter(user=user).values_list("last_cursor", flat=True).first() or 0
