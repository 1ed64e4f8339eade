from django.conf import settings
from django.db import models
from django.db.models import Q


class Media(models.Model):
    """One uploaded file: who sent it, what it is for, what it really is (sniffed), and the
    storage keys of its bytes and derived images. A pending row is an open upload session
    whose bytes sit at ``key`` under ``uploads/`` until it is completed."""

    class Purpose(models.TextChoices):
        CHAT = "chat"
        MOMENT = "moment"
        AVATAR = "avatar"
        PRODUCT = "product"
        REVIEW = "review"
        ARTICLE = "article"
        LIVE = "live"

    class Kind(models.TextChoices):
        IMAGE = "image"
        VOICE = "voice"
        VIDEO = "video"
        FILE = "file"

    class Status(models.TextChoices):
        PENDING = "pending"
        READY = "ready"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY)
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    key = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=100, blank=True)
    # bytes stored (ready) or announced for the session (pending): both count to the quota
    size = models.PositiveBigIntegerField()
    name = models.CharField(max_length=100, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    thumbnails = models.JSONField(default=dict, blank=True)  # {"480": key}
    poster_key = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)  # pending sessions only
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", expires_at__isnull=False, kind="")
                | Q(status="ready", completed_at__isnull=False) & ~Q(kind=""),
                name="media_pending_or_ready",
            ),
            models.CheckConstraint(condition=Q(size__gte=1), name="media_size_positive"),
        ]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(
                fields=["expires_at"], condition=Q(status="pending"), name="media_pending_expiry"
            ),
        ]

    PUBLIC_PURPOSES = (
        Purpose.AVATAR,
        Purpose.PRODUCT,
        Purpose.REVIEW,
        Purpose.ARTICLE,
        Purpose.LIVE,
    )

    @property
    def is_public(self) -> bool:
        return self.purpose in self.PUBLIC_PURPOSES

    def stored_keys(self) -> list[str]:
        """Every object this media occupies in storage."""
        return [self.key, self.poster_key, *self.thumbnails.values()]


class MediaUse(models.Model):
    """Media shown somewhere: a message in a conversation, a Moment. Whoever may see the
    context may see the media (``MEDIA_CONTEXT_RULES``)."""

    media = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="uses")
    context = models.CharField(max_length=16)
    context_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["media", "context", "context_id"], name="media_use_unique"
            ),
        ]
