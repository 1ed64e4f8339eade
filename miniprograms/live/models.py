"""Live shows: a brand's scheduled stream with its products, pins, flash deals and audience.

Comments, likes and viewer counts of a running room live in the room hub (``hub.py``); the
rows here are written in batches per tick, never once per like."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from superapp.core.fulltext import Document


class Show(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        LIVE = "live"
        ENDED = "ended"

    class ReplayStatus(models.TextChoices):
        NONE = "none"  # no recording (an external stream, or not ended yet)
        PROCESSING = "processing"  # the media server's recording is being converted
        READY = "ready"
        FAILED = "failed"

    brand = models.ForeignKey(
        "official.Brand", on_delete=models.CASCADE, related_name="live_shows", db_index=False
    )
    title = models.CharField(max_length=120)
    cover_url = models.URLField(max_length=500, blank=True)
    # An external stream (as before Plaza had a media server); blank when the host pushes to
    # Plaza's media server with the show's stream key.
    stream_url = models.URLField(max_length=500, blank=True)
    # SHA-256 of the secret part of the stream key (the key is shown once, when rotated).
    stream_key_hash = models.CharField(max_length=64, blank=True)
    stream_key_rotated_at = models.DateTimeField(null=True, blank=True)
    replay_status = models.CharField(
        max_length=16, choices=ReplayStatus.choices, default=ReplayStatus.NONE
    )
    replay_url = models.URLField(max_length=500, blank=True)
    replay_duration_seconds = models.FloatField(null=True, blank=True)
    starts_at = models.DateTimeField()
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Room aggregates, flushed by the hub (likes and peak only grow; comments are counted rows).
    like_count = models.BigIntegerField(default=0)
    peak_viewers = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="scheduled", started_at__isnull=True, ended_at__isnull=True)
                    | Q(status="live", started_at__isnull=False, ended_at__isnull=True)
                    | Q(
                        status="ended",
                        started_at__isnull=False,
                        ended_at__isnull=False,
                        ended_at__gte=F("started_at"),
                    )
                ),
                name="live_show_lifecycle",
            ),
            models.CheckConstraint(condition=Q(like_count__gte=0), name="live_show_likes_gte_0"),
            models.CheckConstraint(
                condition=Q(replay_status__in=["none", "processing", "ready", "failed"])
                & (~Q(replay_status="ready") | ~Q(replay_url="")),
                name="live_show_replay_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "-starts_at"], name="live_show_brand_idx"),
            models.Index(fields=["status", "starts_at"], name="live_show_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Moderator(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="moderators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "user"], name="live_moderator_unique"),
        ]


class ShowProduct(models.Model):
    """A product of the brand's shop presented in the show, in running order."""

    show = models.ForeignKey(
        Show, on_delete=models.CASCADE, related_name="show_products", db_index=False
    )
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "product"], name="live_show_product_unique"),
        ]


class Pin(models.Model):
    """The replay timeline: each product the host pinned, from when to when. One open pin
    per show at a time (partial unique index)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="pins", db_index=False)
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="+")
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField()
    unpinned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["show"], condition=Q(unpinned_at__isnull=True), name="live_one_open_pin"
            ),
            models.CheckConstraint(
                condition=Q(unpinned_at__isnull=True) | Q(unpinned_at__gte=F("pinned_at")),
                name="live_pin_interval",
            ),
        ]
        indexes = [models.Index(fields=["show", "pinned_at"], name="live_pin_timeline_idx")]


class Deal(models.Model):
    """A flash deal on the pinned product: ``quantity`` units of one SKU at ``price``, sold
    from ``opens_at`` (after the countdown) until ``closes_at``. ``remaining`` only moves through
    conditional updates, so it can never go below zero: no overselling."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="deals", db_index=False)
    product = models.ForeignKey("shop.Product", on_delete=models.CASCADE, related_name="+")
    sku = models.ForeignKey("shop.Sku", on_delete=models.CASCADE, related_name="+")
    price = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    quantity = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    per_buyer_limit = models.PositiveIntegerField()
    keyword = models.CharField(max_length=16, default="BUY")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="live_deal_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(remaining__gte=0, remaining__lte=F("quantity")),
                name="live_deal_remaining_range",
            ),
            models.CheckConstraint(
                condition=Q(per_buyer_limit__gte=1), name="live_deal_per_buyer_gte_1"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="live_deal_price_gt_0"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="live_deal_window"
            ),
        ]
        indexes = [models.Index(fields=["show", "-opens_at"], name="live_deal_show_idx")]


class DealClaim(models.Model):
    """How many units of a deal a buyer holds (orders not cancelled). Raised by a conditional
    update ``quantity + q <= per_buyer_limit`` on this row, which also serialises one buyer's
    concurrent taps."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="claims", db_index=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "buyer"], name="live_deal_claim_unique"),
        ]


class DealOrder(models.Model):
    """The shop order a deal purchase created; released (units back to the deal and to the
    buyer's claim) if the order is cancelled unpaid."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="orders")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order_id = models.BigIntegerField(unique=True)
    quantity = models.PositiveIntegerField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Comment(models.Model):
    """A room comment, persisted in batches per tick for moderation and statistics."""

    show = models.ForeignKey(
        Show, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    public_id = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["show", "created_at"], name="live_comment_show_idx")]


class Restriction(models.Model):
    """A moderator's decision about a viewer: ``mute`` (may watch, may not comment) or ``ban``
    (may neither comment nor (re)join)."""

    class Kind(models.TextChoices):
        MUTE = "mute"
        BAN = "ban"

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="restrictions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["show", "user", "kind"], name="live_restriction_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["mute", "ban"]), name="live_restriction_kind_valid"
            ),
        ]


class Viewer(models.Model):
    """Someone who joined the room at least once: the unique-viewer statistic counts rows.
    Inserted in batches per tick (``ignore_conflicts``)."""

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="viewers", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_joined_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "user"], name="live_viewer_unique"),
        ]


class Reminder(models.Model):
    """Someone asked to be told when a scheduled show goes live ("Remind me" on the live tab's
    upcoming list). Told once, together with the brand's followers (``reminder_batch_send``)."""

    show = models.ForeignKey(
        Show, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["show", "user"], name="live_reminder_once"),
        ]


# What search matches (superapp/core/fulltext.py; migration 0002 creates it).
SHOW_SEARCH = Document(table="live_show", fields=(("title", "A"),), names=("title",))
