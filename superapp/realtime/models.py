from django.conf import settings
from django.db import models


class EventCursor(models.Model):
    """The last cursor handed out to one user. Incremented under its row lock, so a user's
    events commit in cursor order and a reader never skips one that commits later."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_cursor = models.PositiveBigIntegerField(default=0)


class UserEvent(models.Model):
    """Something one user's clients must learn of, stored before it is pushed (DESIGN.md)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cursor = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    payload = models.JSONField()
    # What the event is a copy of ("message:42"), when that thing can change afterwards: a
    # recall or an erasure rewrites every stored copy, so sync never hands out the old content.
    subject = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["subject"],
                name="user_event_subject",
                condition=models.Q(subject__isnull=False),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "cursor"], name="user_event_cursor_unique"),
            models.CheckConstraint(
                condition=models.Q(cursor__gte=1), name="user_event_cursor_gte_1"
            ),
        ]

    def as_message(self) -> dict:
        return event_message(
            type=self.type, cursor=self.cursor, created_at=self.created_at, payload=self.payload
        )


def event_message(*, type: str, cursor: int, created_at, payload: dict) -> dict:
    """An event as clients receive it, pushed or synced."""
    return {
        "type": type,
        "cursor": cursor,
        "created_at": created_at.isoformat().replace("+00:00", "Z"),
        **payload,
    }
