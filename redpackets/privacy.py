"""Data rights: the red packets a user sent and opened. The packets and claims stay (they are
the story of money that moved); erasure forgets the greetings the user wrote."""

from redpackets.models import RedPacket, RedPacketClaim


def export(user) -> dict:
    return {
        "red_packets_sent": list(
            RedPacket.objects.filter(sender=user)
            .order_by("id")
            .values(
                "id",
                "conversation_id",
                "mode",
                "total",
                "currency",
                "count",
                "greeting",
                "status",
                "claimed_amount",
                "refunded_amount",
                "created_at",
            )
        ),
        "red_packets_claimed": list(
            RedPacketClaim.objects.filter(user=user)
            .order_by("id")
            .values("packet_id", "amount", "packet__currency", "created_at")
        ),
    }


def erase(user) -> None:
    RedPacket.objects.filter(sender=user).exclude(greeting="").update(greeting="")
