"""Red packets: money a member puts into a chat for others to claim. The money itself is
payments' (an escrow account and journal transactions); the packet, its shares and claims are
here, next to the conversation they belong to."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from payments.models import Account, JournalTransaction


class RedPacket(models.Model):
    """Money a member puts into a conversation for others to claim (WeChat's hongbao).

    The total sits in a ``red_packet_escrow`` account from creation; each claim moves one share
    to the claimer, and what is left at expiry goes back to the sender. ``shares`` is the amount
    of each claim in claim order, decided at creation (redpackets/splits.py) and never shown to
    clients before it is claimed.
    """

    class Mode(models.TextChoices):
        LUCKY = "lucky"
        FIXED = "fixed"

    class Status(models.TextChoices):
        ACTIVE = "active"
        FINISHED = "finished"  # every share claimed
        EXPIRED = "expired"  # the unclaimed rest went back to the sender

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="red_packets_sent"
    )
    conversation = models.ForeignKey(
        "messaging.Conversation", on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(max_length=8, choices=Mode.choices)
    currency = models.CharField(max_length=3)
    total = models.BigIntegerField()
    amount_each = models.BigIntegerField(null=True, blank=True, help_text="Fixed mode only.")
    count = models.PositiveIntegerField()
    greeting = models.CharField(max_length=100, blank=True)
    shares = models.JSONField(help_text="The amount of each claim, in claim order.")
    escrow = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    claimed_count = models.PositiveIntegerField(default=0)
    claimed_amount = models.BigIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payments_redpacket"  # created by payments before red packets had an app
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1, total__gte=models.F("count")),
                name="red_packet_at_least_one_unit_per_share",
            ),
            models.CheckConstraint(
                condition=Q(mode="lucky", amount_each__isnull=True)
                | Q(mode="fixed", total=models.F("amount_each") * models.F("count")),
                name="red_packet_fixed_total_is_count_times_amount",
            ),
            models.CheckConstraint(
                condition=Q(claimed_count__gte=0, claimed_count__lte=models.F("count")),
                name="red_packet_claimed_count_within_count",
            ),
            models.CheckConstraint(
                condition=Q(claimed_amount__gte=0, claimed_amount__lte=models.F("total")),
                name="red_packet_claimed_amount_within_total",
            ),
            models.CheckConstraint(
                condition=Q(
                    refunded_amount__gte=0,
                    refunded_amount__lte=models.F("total") - models.F("claimed_amount"),
                ),
                name="red_packet_refund_within_remainder",
            ),
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(claimed_count=models.F("count")),
                name="red_packet_finished_when_all_claimed",
            ),
            models.CheckConstraint(
                condition=~Q(status="expired")
                | Q(refunded_amount=models.F("total") - models.F("claimed_amount")),
                name="red_packet_expired_returns_the_rest",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="red_packet_active_expiry_idx",
                condition=Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return f"red packet {self.pk}: {self.total} {self.currency} x{self.count} ({self.status})"

    @property
    def remaining_amount(self) -> int:
        return self.total - self.claimed_amount - self.refunded_amount


class RedPacketClaim(models.Model):
    """One member's share of a red packet; at most one per member (DB unique)."""

    packet = models.ForeignKey(RedPacket, on_delete=models.PROTECT, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="red_packet_claims"
    )
    amount = models.BigIntegerField()
    journal = models.OneToOneField(
        JournalTransaction, on_delete=models.PROTECT, related_name="red_packet_claim"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "payments_redpacketclaim"
        constraints = [
            models.UniqueConstraint(fields=["packet", "user"], name="red_packet_claim_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="red_packet_claim_positive"),
        ]
