"""The embedded default (`make run`): SQLite, no Redis, no workers, in fresh processes.

The hottest writes are hand-written SQL (superapp/core/sql.py) with a PostgreSQL form and a
SQLite form; every other test runs on PostgreSQL, so this one proves the SQLite forms: the
demo world is seeded, then money and messages move through the services and the ledger must
verify clean.
"""

from tests.system.processes import embedded_env, manage

FLOWS = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from miniprograms.models import MiniProgram
from payments import selectors, services
from payments.demo import DEMO_PIN
from superapp.messaging import services as messaging
from superapp.messaging.models import Conversation, Message

User = get_user_model()
alice, bob, carol = (User.objects.get(username=name) for name in ("alice", "bob", "carol"))
services.transfer_create(actor=alice, recipient=bob, amount=1250, currency="EUR", pin=DEMO_PIN)
app = MiniProgram.objects.get(name="Corner Coffee")
order, _ = services.payorder_create(
    miniprogram=app, payer=carol, out_trade_no="embedded-1", amount=900, currency="EUR",
    description="Flat white", notify_url="",
)
services.payorder_confirm(actor=carol, prepay_id=order.prepay_id, pin=DEMO_PIN)
services.refund_create(
    miniprogram=app, prepay_id=order.prepay_id, out_refund_no="r-1", amount=400
)
group = Conversation.objects.get(title="Weekend hike")
for n, sender in enumerate((alice, bob, carol, alice)):
    messaging.message_send(actor=sender, conversation_id=group.pk, type="text", text=f"m{n}")
packet = services.red_packet_create(
    actor=alice, conversation_id=group.pk, mode="lucky", count=2, currency="EUR",
    pin=DEMO_PIN, total=500,
)
claims = [services.red_packet_claim(actor=u, packet_id=packet.pk).amount for u in (bob, carol)]
seqs = sorted(Message.objects.filter(conversation=group).values_list("seq", flat=True))
print(f"claimed={sum(claims)} seqs_gapless={seqs == list(range(1, len(seqs) + 1))}")
print(f"ledger_ok={selectors.ledger_report().ok}")
"""


def test_money_and_messages_move_on_the_embedded_default(tmp_path):
    env = embedded_env(tmp_path)
    manage("migrate", "--noinput", env=env)
    assert "demo world ready" in manage("seed_demo", env=env)
    out = manage("shell", "-c", FLOWS, env=env)
    assert "claimed=500 seqs_gapless=True" in out, out
    assert "ledger_ok=True" in out, out
    assert "ledger_verify=ok" in manage("ledger_verify", env=env)
