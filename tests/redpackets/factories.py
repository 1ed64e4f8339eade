"""Red packets made through the real services."""

from redpackets import services
from tests.payments.factories import PIN, payer
from tests.superapp.messaging.factories import group_chat


def red_packet_group(members: int = 2, balance: int = 20_000):
    """A group chat whose owner has a PIN and ``balance`` EUR in the wallet; returns
    ``(conversation, owner, [members])``."""
    return group_chat(owner=payer(balance), members=members)


def red_packet(sender, conversation, **overrides):
    """A red packet through the real service (fixed, 2 x 1.00 EUR unless overridden)."""
    params = {"mode": "fixed", "amount_each": 100, "count": 2, "currency": "EUR", "pin": PIN}
    params.update(overrides)
    return services.red_packet_create(actor=sender, conversation_id=conversation.pk, **params)
