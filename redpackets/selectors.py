"""Reads of red packets."""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from redpackets.errors import RED_PACKET_NOT_FOUND
from redpackets.models import RedPacket, RedPacketClaim
from superapp.core.errors import NotFound
from superapp.messaging import selectors as messaging_selectors


def red_packet_for_member(*, packet_id: int, user) -> RedPacket:
    """A red packet with its claims (who got what, in claim order) for a member of its
    conversation; 404 for anyone else. A fixed number of queries whatever the claims."""
    packet = (
        RedPacket.objects.select_related("sender")
        .prefetch_related(
            Prefetch(
                "claims", queryset=RedPacketClaim.objects.select_related("user").order_by("id")
            )
        )
        .filter(pk=packet_id)
        .first()
    )
    if packet is None or not messaging_selectors.is_member(
        conversation_id=packet.conversation_id, user=user
    ):
        raise NotFound("No such red packet.", code=RED_PACKET_NOT_FOUND)
    return packet


def red_packets_due_for_expiry() -> list[int]:
    """Ids of active packets past their expiry, oldest first, one batch per beat."""
    return list(
        RedPacket.objects.filter(status=RedPacket.Status.ACTIVE, expires_at__lte=timezone.now())
        .order_by("expires_at")
        .values_list("pk", flat=True)[: settings.RED_PACKET_EXPIRY_BATCH]
    )
