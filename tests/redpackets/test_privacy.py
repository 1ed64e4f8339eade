"""Data rights of red packets."""

import pytest

from payments import selectors
from redpackets import privacy, services
from redpackets.models import RedPacket
from tests.redpackets.factories import red_packet, red_packet_group

pytestmark = pytest.mark.django_db


def test_red_packets_sent_and_opened_are_exported_and_greetings_erased():
    group, alice, (bob, _) = red_packet_group()
    packet = red_packet(alice, group, greeting="For the team")
    services.red_packet_claim(actor=bob, packet_id=packet.pk)
    sent = privacy.export(alice)["red_packets_sent"]
    assert [(p["id"], p["total"], p["greeting"]) for p in sent] == [
        (packet.pk, 200, "For the team")
    ]
    opened = privacy.export(bob)["red_packets_claimed"]
    assert [(c["packet_id"], c["amount"]) for c in opened] == [(packet.pk, 100)]
    privacy.erase(alice)
    assert RedPacket.objects.get().greeting == ""
    assert selectors.ledger_report().ok
