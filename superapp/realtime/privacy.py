"""Data rights, realtime's part: the user's event log (copies of changes other apps own,
kept for sync). Erasure deletes it; the cursor row holds nothing personal and stays."""

from superapp.realtime.models import UserEvent


def export(user) -> dict:
    events = UserEvent.objects.filter(user=user).order_by("cursor")
    return {
        "events": [
            {
                "cursor": event.cursor,
                "type": event.type,
                "created_at": event.created_at.isoformat(),
                "payload": event.payload,
            }
            for event in events.iterator()
        ]
    }


def erase(user) -> None:
    UserEvent.objects.filter(user=user).delete()
