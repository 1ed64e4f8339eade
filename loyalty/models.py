"""Loyalty programs, the points ledger, member cards, the client book and consent records.

Points are a ledger of lots: every credit is a :class:`PointLot` with an expiry; every debit
(:class:`PointEntry` of kind redeem/expire/reverse) records the lots it drew from
(:class:`LotDraw`). For every member ``earned = available + spent + expired`` where ``earned``
is what was credited into lots minus what refunds clawed back (docs/loyalty.md).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Program(models.Model):
    """One loyalty program per brand, with its earning, redemption and commission rules."""

    brand = models.OneToOneField(
        "official.Brand", on_delete=models.CASCADE, related_name="loyalty_program"
    )
    name = models.CharField(max_length=100)
    points_name = models.CharField(max_length=32, default="points")
    currency = models.CharField(max_length=3)
    points_per_unit = models.PositiveIntegerField(help_text="Points per major currency unit.")
    unit_minor = models.PositiveIntegerField(default=100, help_text="Minor units in one unit.")
    expiry_months = models.PositiveSmallIntegerField(default=12)
    signup_points = models.PositiveIntegerField(default=0)
    referrer_points = models.PositiveIntegerField(default=0)
    referred_points = models.PositiveIntegerField(default=0)
    redeem_points_per_unit = models.PositiveIntegerField(
        help_text="Points needed for one major currency unit of checkout discount."
    )
    checkout_max_amount = models.PositiveBigIntegerField(
        help_text="Largest checkout coupon (minor units) one redemption may produce."
    )
    checkout_max_percent = models.PositiveSmallIntegerField(
        default=50, help_text="A checkout coupon may cover at most this share of an order."
    )
    coupon_valid_days = models.PositiveSmallIntegerField(default=30)
    commission_bps = models.PositiveIntegerField(
        default=0, help_text="Associate commission on attributed orders, in basis points."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(points_per_unit__gt=0)
                & Q(unit_minor__gt=0)
                & Q(redeem_points_per_unit__gt=0)
                & Q(expiry_months__gt=0),
                name="loyalty_program_positive_rates",
            ),
            models.CheckConstraint(
                condition=Q(checkout_max_percent__gt=0) & Q(checkout_max_percent__lte=100),
                name="loyalty_program_checkout_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(commission_bps__lte=10000), name="loyalty_program_commission_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tier(models.Model):
    """A status level reached by rolling 12-month spend; multiplies earned points."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=32)
    min_spend = models.PositiveBigIntegerField()
    multiplier_percent = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["min_spend"]
        constraints = [
            models.UniqueConstraint(fields=["program", "min_spend"], name="loyalty_tier_spend"),
            models.UniqueConstraint(fields=["program", "name"], name="loyalty_tier_name"),
            models.CheckConstraint(
                condition=Q(multiplier_percent__gte=100), name="loyalty_tier_multiplier_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BonusCampaign(models.Model):
    """Extra points in a date window, for one product, one collection or (neither) everything."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=100)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    multiplier_percent = models.PositiveIntegerField()
    product_id = models.BigIntegerField(null=True, blank=True)
    collection_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="loyalty_campaign_window"
            ),
            models.CheckConstraint(
                condition=Q(multiplier_percent__gt=100), name="loyalty_campaign_multiplier"
            ),
            models.CheckConstraint(
                condition=Q(product_id__isnull=True) | Q(collection_id__isnull=True),
                name="loyalty_campaign_one_target",
            ),
        ]
        indexes = [models.Index(fields=["program", "starts_at", "ends_at"])]


class Reward(models.Model):
    """A catalogue reward: points exchanged for a personal shop coupon."""

    class CouponKind(models.TextChoices):
        FIXED = "fixed"
        PERCENT = "percent"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rewards")
    name = models.CharField(max_length=100)
    points_cost = models.PositiveIntegerField()
    coupon_kind = models.CharField(max_length=8, choices=CouponKind.choices)
    coupon_value = models.PositiveBigIntegerField()
    min_spend = models.PositiveBigIntegerField(default=0)
    valid_days = models.PositiveSmallIntegerField(default=30)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(points_cost__gt=0) & Q(coupon_value__gt=0),
                name="loyalty_reward_positive",
            ),
            models.CheckConstraint(
                condition=~Q(coupon_kind="percent") | Q(coupon_value__lte=100),
                name="loyalty_reward_percent_range",
            ),
        ]


class Member(models.Model):
    """A consumer's membership of one program: card, tier and cached balances.

    ``points`` caches the sum of the member's unexpired lot remainders; ``debt`` is what refunds
    could not claw back and the next earnings pay first. Both change only with the row locked.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loyalty_memberships"
    )
    member_number = models.CharField(max_length=16)
    card_token = models.CharField(max_length=32)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="members")
    points = models.BigIntegerField(default=0)
    debt = models.BigIntegerField(default=0)
    rolling_spend = models.BigIntegerField(default=0)
    referred_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    first_purchase_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="loyalty_member_unique"),
            models.UniqueConstraint(
                fields=["program", "member_number"], name="loyalty_member_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(debt__gte=0), name="loyalty_member_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["program", "tier", "rolling_spend"])]

    def __str__(self) -> str:
        return self.member_number


class Purchase(models.Model):
    """A paid purchase at a brand, from a shop order, a pay order or an in-store scan.

    A shop order is paid through a pay order: both events describe one purchase, matched by
    ``prepay_id``. Refunds seen from both sides are kept apart and the larger total counts.
    """

    class Source(models.TextChoices):
        SHOP_ORDER = "shop_order"
        PAY_ORDER = "pay_order"
        IN_STORE = "in_store"

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="purchases"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    order_id = models.BigIntegerField(null=True, blank=True)
    prepay_id = models.CharField(max_length=64, null=True, blank=True)
    reference = models.CharField(max_length=64, null=True, blank=True)
    amount = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    lines = models.JSONField(default=list, blank=True)
    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    live_show_id = models.BigIntegerField(null=True, blank=True)
    paid_at = models.DateTimeField()
    pay_refunded_total = models.PositiveBigIntegerField(default=0)
    shop_refunded_total = models.PositiveBigIntegerField(default=0)
    points_awarded = models.BigIntegerField(default=0)
    points_reversed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "order_id"],
                condition=Q(order_id__isnull=False),
                name="loyalty_purchase_order_unique",
            ),
            models.UniqueConstraint(
                fields=["brand", "prepay_id"],
                condition=Q(prepay_id__isnull=False),
                name="loyalty_purchase_prepay_unique",
            ),
            models.UniqueConstraint(
                fields=["brand", "reference"],
                condition=Q(reference__isnull=False),
                name="loyalty_purchase_reference_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loyalty_purchase_amount"),
        ]
        indexes = [
            models.Index(fields=["member", "paid_at"]),
            models.Index(fields=["brand", "user", "paid_at"]),
        ]

    @property
    def refunded_amount(self) -> int:
        return min(self.amount, max(self.pay_refunded_total, self.shop_refunded_total))


class PurchaseRefund(models.Model):
    """One refund event applied to a purchase (its event id makes reapplying it a no-op)."""

    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="refunds")
    event_id = models.BigIntegerField(unique=True)
    source = models.CharField(max_length=16, choices=Purchase.Source.choices)
    amount = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class Redemption(models.Model):
    """Points exchanged for a single-use personal coupon (checkout discount or reward)."""

    class Kind(models.TextChoices):
        CHECKOUT = "checkout"
        REWARD = "reward"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="redemptions")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reward = models.ForeignKey(
        Reward, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    points = models.PositiveIntegerField()
    coupon = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="loyalty_redemption_points")
        ]


class PointEntry(models.Model):
    """An append-only movement of a member's points.

    ``points`` is what went into lots (earn) or came out of them (the others); ``debt_change``
    is what a reversal could not take (+) or an earning paid back (-).
    """

    class Kind(models.TextChoices):
        EARN = "earn"
        REDEEM = "redeem"
        EXPIRE = "expire"
        REVERSE = "reverse"

    class Reason(models.TextChoices):
        PURCHASE = "purchase"
        SIGNUP = "signup"
        REFERRAL = "referral"
        REDEMPTION = "redemption"
        EXPIRY = "expiry"
        REFUND = "refund"
        ERASURE = "erasure"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    points = models.BigIntegerField()
    debt_change = models.BigIntegerField(default=0)
    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="loyalty_entry_points"),
        ]
        indexes = [models.Index(fields=["member", "created_at"])]


class PointLot(models.Model):
    """Points credited together, expiring together. Only ``remaining`` ever changes."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="lots")
    entry = models.OneToOneField(PointEntry, on_delete=models.PROTECT, related_name="lot")
    points = models.BigIntegerField()
    remaining = models.BigIntegerField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0) & Q(remaining__gte=0) & Q(remaining__lte=F("points")),
                name="loyalty_lot_bounds",
            ),
        ]
        indexes = [
            models.Index(
                fields=["member", "expires_at", "id"],
                condition=Q(remaining__gt=0),
                name="loyalty_lot_open_member",
            ),
            models.Index(
                fields=["expires_at"], condition=Q(remaining__gt=0), name="loyalty_lot_open_expiry"
            ),
        ]


class LotDraw(models.Model):
    """How many points a debit took from one lot."""

    entry = models.ForeignKey(PointEntry, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(PointLot, on_delete=models.PROTECT, related_name="draws")
    points = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="loyalty_draw_points"),
        ]


class Commission(models.Model):
    """Append-only commission ledger of associates; refunds add negative entries."""

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="+")
    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="commissions")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "associate", "created_at"])]


# --- Clienteling ------------------------------------------------------------------------------


class Client(models.Model):
    """A consumer in a brand's client book: they followed, bought or opted in."""

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="clients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.OneToOneField(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="client"
    )
    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    followed_at = models.DateTimeField(null=True, blank=True)
    opted_in_at = models.DateTimeField(null=True, blank=True)
    last_purchase_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="loyalty_client_unique"),
        ]
        indexes = [
            models.Index(fields=["brand", "last_purchase_at"]),
            models.Index(fields=["brand", "associate"]),
        ]


class AssociateHandover(models.Model):
    """Audit of who looks after a client; the client sees these too."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="handovers")
    from_associate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    to_associate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Tag(models.Model):
    """A client tag: brand-wide (``owner`` empty) or personal to one associate."""

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name"],
                condition=Q(owner__isnull=True),
                name="loyalty_tag_brand_unique",
            ),
            models.UniqueConstraint(
                fields=["brand", "owner", "name"],
                condition=Q(owner__isnull=False),
                name="loyalty_tag_personal_unique",
            ),
        ]


class ClientTag(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="client_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="client_tags")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "tag"], name="loyalty_client_tag_unique"),
        ]


class ClientNote(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)


class FollowUpTask(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["assignee", "done_at", "due_at"])]


class ServiceChat(models.Model):
    """A customer-service message the client sent to the brand's official account."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="service_chats")
    account_id = models.BigIntegerField()
    message_id = models.BigIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "message_id"], name="loyalty_chat_unique"),
        ]


class Segment(models.Model):
    """Saved client filters: tiers, 12-month spend range, last purchase window, tags."""

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    filters = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class Campaign(models.Model):
    """A message to a segment, delivered by the official account to consenting clients."""

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns")
    account_id = models.BigIntegerField()
    title = models.CharField(max_length=100)
    body = models.TextField()
    recipient_count = models.PositiveIntegerField()
    skipped_without_consent = models.PositiveIntegerField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


# --- Consent ----------------------------------------------------------------------------------


class Consent(models.Model):
    """A consent for one purpose, given to a brand or to a mini-program, until withdrawn.

    Withdrawal stamps ``withdrawn_at``; granting again creates a new row, so history stays."""

    class Purpose(models.TextChoices):
        MARKETING = "marketing"
        CRM_PROFILE = "crm_profile"
        DATA_SHARING = "data_sharing"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    brand = models.ForeignKey(
        "official.Brand", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    miniprogram = models.ForeignKey(
        "miniprograms.MiniProgram",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    granted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(brand__isnull=False) & Q(miniprogram__isnull=True))
                | (Q(brand__isnull=True) & Q(miniprogram__isnull=False)),
                name="loyalty_consent_one_party",
            ),
            models.UniqueConstraint(
                fields=["user", "brand", "purpose"],
                condition=Q(withdrawn_at__isnull=True, brand__isnull=False),
                name="loyalty_consent_brand_active_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "miniprogram", "purpose"],
                condition=Q(withdrawn_at__isnull=True, miniprogram__isnull=False),
                name="loyalty_consent_app_active_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["brand", "purpose", "user"],
                condition=Q(withdrawn_at__isnull=True),
                name="loyalty_consent_active",
            )
        ]
