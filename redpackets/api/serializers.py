from django.conf import settings
from rest_framework import serializers

from payments.services import PIN_LENGTH
from redpackets.models import RedPacket, RedPacketClaim
from redpackets.services import GREETING_MAX_LENGTH


class RedPacketCreateInput(serializers.Serializer):
    """``total`` for a lucky packet, ``amount_each`` for a fixed one (the service checks which)."""

    conversation = serializers.IntegerField(min_value=1)
    mode = serializers.ChoiceField(choices=RedPacket.Mode.choices)
    total = serializers.IntegerField(min_value=1, required=False)
    amount_each = serializers.IntegerField(min_value=1, required=False)
    count = serializers.IntegerField(min_value=1)
    currency = serializers.ChoiceField(choices=settings.PAYMENTS_CURRENCIES)
    pin = serializers.RegexField(rf"^\d{{{PIN_LENGTH}}}$")
    greeting = serializers.CharField(
        max_length=GREETING_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class RedPacketUserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class RedPacketClaimOutput(serializers.ModelSerializer):
    user = RedPacketUserOutput()
    claimed_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = RedPacketClaim
        fields = ["user", "amount", "claimed_at"]


class RedPacketOutput(serializers.ModelSerializer):
    """A red packet as its conversation's members see it: who got what (as WeChat shows),
    never the shares still to be claimed."""

    conversation = serializers.IntegerField(source="conversation_id")
    sender = RedPacketUserOutput()
    claims = RedPacketClaimOutput(many=True, read_only=True)
    my_amount = serializers.SerializerMethodField()

    class Meta:
        model = RedPacket
        fields = [
            "id",
            "conversation",
            "sender",
            "mode",
            "currency",
            "total",
            "amount_each",
            "count",
            "greeting",
            "status",
            "claimed_count",
            "claimed_amount",
            "refunded_amount",
            "created_at",
            "expires_at",
            "finished_at",
            "my_amount",
            "claims",
        ]

    def get_my_amount(self, packet) -> int | None:
        """What the caller got from this packet, or null."""
        viewer = self.context["request"].user
        return next((c.amount for c in packet.claims.all() if c.user_id == viewer.pk), None)


class RedPacketClaimResultOutput(serializers.Serializer):
    red_packet = serializers.IntegerField(source="packet_id")
    amount = serializers.IntegerField()
    currency = serializers.CharField(source="packet.currency")
    claimed_at = serializers.DateTimeField(source="created_at")
