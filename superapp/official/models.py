from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from superapp.core.fulltext import Document


class Brand(models.Model):
    """A brand organisation. Its developer organisation owns the brand's mini-programs (its
    shop included) and is the merchant that its pay orders credit."""

    name = models.CharField(max_length=100)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When an owner last asked platform staff to verify."
    )
    developer_organisation = models.OneToOneField(
        "miniprograms.DeveloperOrganisation", on_delete=models.PROTECT, related_name="brand"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class BrandMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        ASSOCIATE = "associate"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="brand_member_unique"),
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(role="owner"), name="brand_single_owner"
            ),
        ]


class BrandAuditEntry(models.Model):
    """Who changed what in a brand, and when. Written by the service that makes the change, in
    its transaction, so the log cannot miss a committed change nor record a rolled-back one."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=64, blank=True, help_text="e.g. account:3, member:7")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "-id"], name="brand_audit_brand_idx")]


class BrandCallback(models.Model):
    """The brand's developer server: follower messages and follow events are POSTed here,
    signed with ``secret`` (kept in clear: the outbox needs it to sign every attempt)."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="callback")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)


class OfficialAccount(models.Model):
    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription"
        SERVICE = "service"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="accounts")
    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    menu = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="official_account_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["subscription", "service"]),
                name="official_account_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# Foreign keys marked ``db_index=False`` lead a composite index or unique constraint of their
# model already; a second single-column index would only slow the writes down.


class FollowerCounterShard(models.Model):
    """One slice of an account's follower count. Follows update a random shard, so a viral
    account's follow storm does not queue on a single hot row; the count is the shards' sum."""

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="counter_shards", db_index=False
    )
    shard = models.PositiveSmallIntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "shard"], name="follower_shard_unique"),
        ]


class FollowerDay(models.Model):
    """An account's follower count as last seen on a day (UTC): the follower chart's history.

    An unfollow deletes its follow, so the follows alone cannot say how many followed on a past
    day; the snapshot task (``official.snapshot_follower_days``, hourly) writes today's row for
    every account from the counter shards, and the day's last snapshot stays."""

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="follower_days", db_index=False
    )
    day = models.DateField()
    followers = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="follower_day_unique"),
            models.CheckConstraint(
                condition=models.Q(followers__gte=0), name="follower_day_not_negative"
            ),
        ]


class Follow(models.Model):
    """A user follows an account from ``followed_at``: they see broadcasts published since."""

    account = models.ForeignKey(OfficialAccount, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(  # indexed first in follow_unique
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="official_follows",
        db_index=False,
    )
    followed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # (user, account) order: the feed query starts from the reader's follows.
            models.UniqueConstraint(fields=["user", "account"], name="follow_unique"),
        ]


class Article(models.Model):
    """A profile-page article. ``body`` is a list of typed blocks (heading, paragraph, quote,
    image) rather than HTML, so no client ever renders brand-supplied markup; ``links`` are
    cards to products, mini-program pages or web pages."""

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="articles", db_index=False
    )
    title = models.CharField(max_length=120)
    cover_url = models.URLField(max_length=500, blank=True)
    body = models.JSONField(default=list)
    links = models.JSONField(default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "-id"], name="article_account_idx")]


class Broadcast(models.Model):
    """One message to every follower. Stored once: followers' feeds read it (fan-out on read)."""

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="broadcasts", db_index=False
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=5000)
    links = models.JSONField(default=list, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Serves the feed's per-followed-account backward scan (newest first, stopping at
            # the follow time) and the quota's count of the current window.
            models.Index(fields=["account", "-created_at", "-id"], name="broadcast_account_idx"),
        ]


class KeywordReply(models.Model):
    """A brand-configured automatic answer to a follower message matching ``keyword``."""

    class Match(models.TextChoices):
        EXACT = "exact"
        CONTAINS = "contains"

    account = models.ForeignKey(
        OfficialAccount, on_delete=models.CASCADE, related_name="keyword_replies"
    )
    keyword = models.CharField(max_length=32)
    match = models.CharField(max_length=16, choices=Match.choices, default=Match.EXACT)
    reply = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.F("account"), Lower("keyword"), name="keyword_reply_unique"
            ),
        ]


class ServiceConversation(models.Model):
    """A follower's customer-service thread with an account: the shared inbox's unit of work.

    ``window_opened_at`` is the follower's last message; the brand may send at most
    ``OFFICIAL_SERVICE_WINDOW_MAX_REPLIES`` replies (``replies_in_window``) within
    ``OFFICIAL_SERVICE_WINDOW_HOURS`` of it."""

    account = models.ForeignKey(
        OfficialAccount,
        on_delete=models.CASCADE,
        related_name="service_conversations",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_conversations"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    window_opened_at = models.DateTimeField(null=True, blank=True)
    replies_in_window = models.PositiveSmallIntegerField(default=0)
    last_message_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="service_conversation_unique"),
            models.CheckConstraint(
                condition=models.Q(claimed_by__isnull=True) | models.Q(claimed_at__isnull=False),
                name="service_conversation_claim_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-last_message_at"], name="service_inbox_idx"),
        ]


class ServiceMessage(models.Model):
    class Direction(models.TextChoices):
        FROM_FOLLOWER = "from_follower"
        FROM_BRAND = "from_brand"

    class Kind(models.TextChoices):
        TEXT = "text"
        AUTO_REPLY = "auto_reply"
        CAMPAIGN = "campaign"

    conversation = models.ForeignKey(
        ServiceConversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEXT)
    title = models.CharField(max_length=120, blank=True)
    text = models.TextField(max_length=2000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "id"], name="service_message_thread_idx")]
        constraints = [
            # A campaign reaches each follower once, however often loyalty's event is retried.
            models.UniqueConstraint(
                fields=["conversation", "campaign_id"],
                condition=models.Q(campaign_id__isnull=False),
                name="service_message_campaign_once",
            ),
        ]


class CannedReply(models.Model):
    """A ready-made customer-service answer: managers write them, every associate picks one
    to fill the reply box (it is sent as an ordinary reply, within the window)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="canned_replies")
    title = models.CharField(max_length=60)
    text = models.TextField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                models.F("brand"), Lower("title"), name="canned_reply_title_unique"
            ),
        ]


# What search matches (superapp/core/fulltext.py; migration 0003 creates it).
ACCOUNT_SEARCH = Document(
    table="official_officialaccount",
    fields=(("name", "A"), ("description", "B")),
    names=("name",),
)
ARTICLE_SEARCH = Document(
    table="official_article", fields=(("title", "A"),), json_text=("body",), names=("title",)
)
