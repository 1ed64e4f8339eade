"""Concurrent writers on real PostgreSQL: seqs without gaps, idempotent retries, one direct
chat per pair. Each thread has its own connection and closes it at the end."""

import pytest

from superapp.messaging import services
from superapp.messaging.models import Conversation, Message
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import run_together
from tests.superapp.messaging.factories import group_chat
from tests.superapp.social.factories import befriend

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


def test_concurrent_senders_in_one_group_get_seqs_one_to_n_without_gaps():
    group, owner, members = group_chat(members=5)
    senders = [owner, *members]
    per_sender = 6

    def send_burst(sender):
        def burst():
            for i in range(per_sender):
                services.message_send(
                    actor=sender, conversation_id=group.pk, type="text", text=f"{sender.pk}-{i}"
                )

        return burst

    results = run_together([send_burst(s) for s in senders])

    assert not [r for r in results if isinstance(r, Exception)]
    total = 1 + len(senders) * per_sender  # the "created the group" notice is seq 1
    seqs = list(
        Message.objects.filter(conversation=group).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, total + 1))
    group.refresh_from_db()
    assert group.last_seq == total
    # every member's event log has every message once, in seq order
    for member in senders:
        logged = [
            e.payload["message"]["seq"]
            for e in UserEvent.objects.filter(user=member, type="message.created").order_by(
                "cursor"
            )
        ]
        assert logged == list(range(1, total + 1))


def test_concurrent_retries_of_one_client_msg_id_store_one_message():
    group, owner, _ = group_chat(members=1)

    def retry():
        message, created = services.message_send(
            actor=owner, conversation_id=group.pk, type="text", text="hi", client_msg_id="dup-1"
        )
        return message.pk, created

    results = run_together([retry] * 6)

    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Message.objects.filter(client_msg_id="dup-1").count() == 1


def test_concurrent_requests_open_one_direct_chat_per_pair():
    a, b = UserFactory(), UserFactory()
    befriend(a, b)

    def open_from(actor, other):
        return lambda: services.direct_conversation_open(actor=actor, other=other)[0].pk

    results = run_together([open_from(a, b), open_from(b, a)] * 4)

    assert not [r for r in results if isinstance(r, Exception)]
    assert len(set(results)) == 1
    assert Conversation.objects.filter(kind="direct").count() == 1
