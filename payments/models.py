"""The double-entry ledger and the payment objects built on it (docs/payments.md).

Money lives only in :class:`Account` balances, and every change to a balance is a
:class:`JournalTransaction` with two or more :class:`Posting` rows summing to zero per currency.
Transactions and postings are append-only: PostgreSQL refuses UPDATE and DELETE on them
(migration 0002). ``Account.balance`` is a cache of the sum of its postings, written in the same
database transaction, and ``ledger_verify`` proves the two agree.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q


def public_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


def new_gateway_reference() -> str:
    return public_id("gw_")


class Account(models.Model):
    """One balance in one currency.

    User wallets have one row per (user, currency). Hot accounts — merchants and the platform's
    own accounts — are split into ``PAYMENTS_HOT_ACCOUNT_SHARDS`` sub-accounts (``shard``):
    each credit picks one shard at random, so concurrent payments to one merchant lock
    different rows, and the merchant's balance is the sum of its shards.

    ``sandbox`` accounts form a second, separate world for the test money of sandbox
    mini-programs: every owner has its sandbox accounts beside its real ones, a journal
    transaction never mixes the two worlds (``ledger.journal_post``), and each world sums to
    zero on its own.
    """

    class Kind(models.TextChoices):
        USER_WALLET = "user_wallet"
        MERCHANT = "merchant"
        GATEWAY_CLEARING = "gateway_clearing"
        FEES = "fees"
        RED_PACKET_ESCROW = "red_packet_escrow"
        REFUNDS = "refunds"

    PLATFORM_KINDS = (Kind.GATEWAY_CLEARING, Kind.FEES, Kind.RED_PACKET_ESCROW, Kind.REFUNDS)
    NON_NEGATIVE_KINDS = (Kind.USER_WALLET, Kind.MERCHANT, Kind.RED_PACKET_ESCROW)

    kind = models.CharField(max_length=24, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wallet_accounts",
    )
    organisation = models.ForeignKey(
        "miniprograms.DeveloperOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merchant_accounts",
    )
    shard = models.PositiveSmallIntegerField(default=0)
    sandbox = models.BooleanField(default=False, help_text="Test money of sandbox mini-programs.")
    balance = models.BigIntegerField(default=0)
    # A user wallet's real-money spending of one UTC day (withdrawals, transfers, payments, red
    # packets), counted up in the same UPDATE as the balance, so the daily limit is checked
    # without summing the day's postings. On another day the count reads as 0.
    # ``ledger_verify`` proves it equals today's outgoing postings.
    outgoing_day = models.DateField(null=True, blank=True)
    outgoing_total = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["user_wallet", "merchant", "red_packet_escrow"])
                | Q(balance__gte=0),
                name="account_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(outgoing_total__gte=0), name="account_outgoing_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="user_wallet", user__isnull=False, organisation__isnull=True, shard=0)
                    | Q(kind="merchant", user__isnull=True, organisation__isnull=False)
                    | Q(
                        kind__in=["gateway_clearing", "fees", "red_packet_escrow", "refunds"],
                        user__isnull=True,
                        organisation__isnull=True,
                    )
                ),
                name="account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "currency", "sandbox"],
                condition=Q(kind="user_wallet"),
                name="account_one_wallet_per_currency",
            ),
            models.UniqueConstraint(
                fields=["organisation", "currency", "sandbox", "shard"],
                condition=Q(kind="merchant"),
                name="account_merchant_shard_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency", "sandbox", "shard"],
                condition=Q(user__isnull=True, organisation__isnull=True),
                name="account_platform_shard_unique",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user_id or self.organisation_id or "platform"
        world = ":sandbox" if self.sandbox else ""
        return f"{self.kind}:{owner}:{self.currency}{world}#{self.shard}"


class JournalTransaction(models.Model):
    """One atomic movement of money: a type, a reference to what caused it, who acted."""

    class Type(models.TextChoices):
        TOPUP = "topup"
        WITHDRAWAL = "withdrawal"
        WITHDRAWAL_REVERSAL = "withdrawal_reversal"
        TRANSFER = "transfer"
        PAYMENT = "payment"
        REFUND = "refund"
        RED_PACKET_HOLD = "red_packet_hold"
        RED_PACKET_CLAIM = "red_packet_claim"
        RED_PACKET_RETURN = "red_packet_return"

    # Types that spend a user's money and count against the daily outgoing limit.
    OUTGOING_TYPES = (Type.WITHDRAWAL, Type.TRANSFER, Type.PAYMENT, Type.RED_PACKET_HOLD)

    type = models.CharField(max_length=24, choices=Type.choices)
    reference = models.CharField(max_length=64, help_text="What caused it, e.g. payorder:pp_…")
    # Not indexed: nothing reads the journal by actor, and every payment would pay for the
    # index entry (deleting a user that acted — which PROTECT refuses anyway — scans instead).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["reference"], name="journal_reference_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.reference}"


class Posting(models.Model):
    """One leg of a transaction: a signed amount on one account (credit > 0, debit < 0)."""

    # Not indexed: postings are read by account (the index below), and the balance trigger
    # checks the statement's new rows only (migration 0010); three index entries per payment
    # saved. Journal rows are never deleted (the append-only trigger), so PROTECT never scans.
    transaction = models.ForeignKey(
        JournalTransaction, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    # indexed by posting_account_time_idx (account first): a second index would only cost writes
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="posting_amount_not_zero"),
        ]
        indexes = [
            models.Index(fields=["account", "created_at"], name="posting_account_time_idx"),
        ]


class WalletSecurity(models.Model):
    """A user's payment PIN (hashed like a password). Failed tries are counted in the cache so
    they survive the rollback of the refused payment (see services.pin_verify)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet_security"
    )
    pin_hash = models.CharField(max_length=128)
    updated_at = models.DateTimeField(auto_now=True)


class Transfer(models.Model):
    """A P2P transfer: the journal transaction plus the people and the sender's note."""

    journal = models.OneToOneField(
        JournalTransaction, on_delete=models.PROTECT, related_name="transfer"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transfers_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transfers_received"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    note = models.CharField(max_length=140, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="transfer_not_to_self"
            ),
        ]


class GatewayOrder(models.Model):
    """A top-up (money in) or withdrawal (money out) through the external payment gateway.

    Completed only by the gateway's signed callback; ``status`` leaves ``pending`` once.
    """

    class Kind(models.TextChoices):
        TOPUP = "topup"
        WITHDRAWAL = "withdrawal"

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    reference = models.CharField(max_length=40, unique=True, default=new_gateway_reference)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gateway_orders"
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    gateway = models.CharField(max_length=32)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gateway_order_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="pending", completed_at__isnull=True)
                | (~Q(status="pending") & Q(completed_at__isnull=False)),
                name="gateway_order_completed_has_time",
            ),
        ]


class GatewayCallback(models.Model):
    """Every accepted gateway callback, unique by the gateway's event id: a replay is refused."""

    event_id = models.CharField(max_length=64, unique=True)
    order = models.ForeignKey(GatewayOrder, on_delete=models.PROTECT, related_name="callbacks")
    outcome = models.CharField(max_length=16)
    applied = models.BooleanField(help_text="False when the order was already completed.")
    received_at = models.DateTimeField(auto_now_add=True)


class MerchantKey(models.Model):
    """The secret a merchant (developer organisation) verifies Plaza's pay notifications with."""

    organisation = models.OneToOneField(
        "miniprograms.DeveloperOrganisation", on_delete=models.CASCADE, related_name="merchant_key"
    )
    webhook_secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class PayOrder(models.Model):
    """A merchant's request for a payer's money (WeChat Pay's prepay order / a PaymentIntent)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        REFUNDED = "refunded"
        CLOSED = "closed"

    # The longest ``PAYMENTS_PAYORDER_TTL`` allowed (a system check): an order is paid within
    # this of its creation, which is how the settlement report finds a day's payments.
    TTL_MAX = timedelta(days=1)
    # How far two servers' clocks (the one that created an order, the one that paid it) may
    # disagree, for the report's and beat's bounds.
    CLOCK_SLACK = timedelta(hours=1)

    prepay_id = models.CharField(max_length=40)
    # Not indexed: orders are found by prepay_id, (organisation, out_trade_no) or payer; an
    # index on the app would cost every order and every status change one more entry.
    miniprogram = models.ForeignKey(
        "miniprograms.MiniProgram", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # indexed by the two (organisation, …) indexes below
    organisation = models.ForeignKey(
        "miniprograms.DeveloperOrganisation",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pay_orders"
    )
    out_trade_no = models.CharField(max_length=64)
    # What the merchant knows the payer as (their openid in the app), told in every notification.
    # Blanked when the payer's data is erased, like the identity itself.
    payer_openid = models.CharField(max_length=40, blank=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=128)
    notify_url = models.URLField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    sandbox = models.BooleanField(
        default=False,
        help_text="Settled in test money: its app was in sandbox mode when it was created. "
        "Never changes afterwards.",
    )
    fee = models.BigIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "out_trade_no"], name="payorder_out_trade_no_unique"
            ),
            # a constraint, not ``unique=True``: no pattern-ops index beside it, whose upkeep
            # every payment's status change would pay
            models.UniqueConstraint(fields=["prepay_id"], name="payorder_prepay_id_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payorder_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                name="payorder_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(fee__gte=0, fee__lte=models.F("amount")), name="payorder_fee_in_range"
            ),
        ]
        # No index names a column a payment changes (status, fee, paid_at), not even in a
        # predicate: the payment's UPDATE is then HOT (no index entry, the new version in the
        # same page, which the table's fillfactor keeps room for: migration 0011).
        indexes = [
            # every order, not only pending ones: beat's sweep bounds its range (services)
            models.Index(fields=["expires_at"], name="payorder_expiry_idx"),
            # the settlement report's: a day's payments were created within a TTL before it
            models.Index(fields=["organisation", "created_at"], name="payorder_org_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.prepay_id} {self.amount} {self.currency} ({self.status})"

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount


class Refund(models.Model):
    """Money returned from the merchant to the payer's wallet; idempotent by ``out_refund_no``."""

    refund_id = models.CharField(max_length=40, unique=True)
    pay_order = models.ForeignKey(PayOrder, on_delete=models.PROTECT, related_name="refunds")
    out_refund_no = models.CharField(max_length=64)
    amount = models.BigIntegerField()
    fee_returned = models.BigIntegerField(default=0)
    journal = models.OneToOneField(
        JournalTransaction, on_delete=models.PROTECT, related_name="refund"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pay_order", "out_refund_no"], name="refund_out_refund_no_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]
        indexes = [models.Index(fields=["created_at"], name="refund_created_idx")]
