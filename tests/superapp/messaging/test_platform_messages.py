"""What other apps use: system/card messages, service notifications (also from domain
events), membership selectors, and the data-rights hooks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from miniprograms.events import SubscribeMessageSent
from miniprograms.shop.events import OrderStatusChanged
from superapp.core.domain_events import emit
from superapp.core.errors import InvalidInput
from superapp.messaging import privacy, selectors, services
from superapp.messaging.models import Conversation, Message
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.superapp.messaging.factories import direct_chat, group_chat, send_text

pytestmark = pytest.mark.django_db


def test_platform_posts_a_red_packet_card_for_its_sender():
    chat, alice, bob = direct_chat()
    card = services.message_post_system(
        conversation_id=chat.pk,
        type="red_packet",
        payload={"red_packet_id": 42, "greeting": "Happy new year"},
        text="",
        sender=alice,
    )
    assert (card.seq, card.sender, card.payload["red_packet_id"]) == (1, alice, 42)
    notice = services.message_post_system(
        conversation_id=chat.pk, type="system", payload={"red_packet_id": 42}, text="Bob claimed"
    )
    assert (notice.seq, notice.sender) == (2, None)
    assert UserEvent.objects.filter(user=bob, type="message.created").count() == 2


def test_platform_messages_are_validated_too():
    chat, _, _ = direct_chat()
    with pytest.raises(InvalidInput):
        services.message_post_system(
            conversation_id=chat.pk, type="red_packet", payload={}, text=""
        )


def test_service_notifications_land_in_one_read_only_conversation(user):
    for title in ("Order shipped", "Order delivered"):
        services.service_notification_send(
            user=user, source="shop", title=title, body="Your scarf", data={"order_id": 9}
        )
    conversation = Conversation.objects.get(kind="service")
    assert selectors.conversation_member_ids(conversation.pk) == [user.pk]
    client = consumer_client(user)
    listed = client.get("/api/v1/conversations").json()["results"]
    assert [(c["kind"], c["unread_count"]) for c in listed] == [("service", 2)]
    page = client.get(f"/api/v1/conversations/{conversation.pk}/messages").json()["results"]
    assert [(m["type"], m["payload"]["title"]) for m in page] == [
        ("notification", "Order shipped"),
        ("notification", "Order delivered"),
    ]
    reply = client.post(
        f"/api/v1/conversations/{conversation.pk}/messages", {"type": "text", "text": "thanks"}
    )
    assert_refused(reply, 403, "read_only_conversation")


def test_a_later_service_notification_locks_its_conversation_in_one_read(user):
    services.service_notification_send(user=user, source="shop", title="Placed", body="", data={})
    with CaptureQueriesContext(connection) as captured:
        services.service_notification_send(user=user, source="shop", title="Paid", body="", data={})
    sent = [query["sql"] for query in captured.captured_queries]

    reads = [sql for sql in sent if sql.startswith("SELECT")]
    assert len(reads) == 1 and "FOR UPDATE" in reads[0]  # no unlocked read, no member list
    assert len(sent) == 3  # the read, the message, the conversation with the user's event
    assert UserEvent.objects.filter(user=user, type="message.created").count() == 2


def test_order_status_events_become_service_notifications(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        emit(
            OrderStatusChanged(
                order_id=5,
                brand_id=2,
                buyer_user_id=user.pk,
                status="shipped",
                title="Your order has shipped",
                body="Maison Lune sent your parcel",
            )
        )
    message = Message.objects.get(conversation__kind="service")
    assert message.payload["title"] == "Your order has shipped"
    assert message.payload["data"]["status"] == "shipped"


def test_subscribe_messages_become_service_notifications(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        emit(
            SubscribeMessageSent(
                user_id=user.pk,
                app_id="mp_abc",
                app_name="Coffee Club",
                template="order_ready",
                data={"drink": "flat white"},
                message_id=77,
                title="Your order is ready",
                body="Your flat white is waiting at the counter.",
            )
        )
    message = Message.objects.get(conversation__kind="service")
    assert (message.payload["source"], message.payload["title"], message.payload["body"]) == (
        "miniprogram:mp_abc",
        "Your order is ready",
        "Your flat white is waiting at the counter.",
    )
    assert message.payload["data"]["fields"] == {"drink": "flat white"}


def test_membership_selectors_for_other_apps():
    group, owner, (member,) = group_chat(members=1)
    assert selectors.is_member(conversation_id=group.pk, user=member)
    assert selectors.is_member(conversation_id=group.pk, user=member.pk)
    assert not selectors.is_member(conversation_id=group.pk, user=UserFactory())
    assert selectors.conversation_member_ids(group.pk) == sorted([owner.pk, member.pk])


def test_export_and_erase_cover_what_the_user_wrote():
    group, owner, (member, other) = group_chat(members=2)
    send_text(group, owner, "my words")
    services.service_notification_send(user=owner, source="shop", title="t", body="b", data={})
    exported = privacy.export(owner)
    assert [m["text"] for m in exported["messages_sent"] if m["type"] == "text"] == ["my words"]
    assert {c["kind"] for c in exported["conversations"]} == {"group", "service"}

    privacy.erase(owner)

    assert not Message.objects.filter(text="my words").exists()
    # the copies in the other members' event logs are blanked too: a sync from cursor 0
    # no longer returns the words
    for reader in (member, other):
        synced = consumer_client(reader).get("/api/v1/sync", {"cursor": 0}).json()["events"]
        copies = [e["message"] for e in synced if e["type"] == "message.created"]
        assert "my words" not in [c["text"] for c in copies]
        assert [c["sender"] for c in copies if c["seq"] == 2] == [None]
    assert not Conversation.objects.filter(kind="service").exists()
    assert not selectors.is_member(conversation_id=group.pk, user=owner)
    new_owner = group.members.get(role="owner").user
    assert new_owner in (member, other)
    seqs = list(group.messages.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # the erased words leave no gap


def test_erasure_takes_the_users_name_out_of_every_notice_and_its_copies():
    group, owner, (member, leaver) = group_chat(owner=UserFactory(display_name="Olivia Owl"))
    services.group_update(actor=owner, conversation_id=group.pk, title="{weird} title")
    services.group_member_remove(actor=owner, conversation_id=group.pk, user=leaver)
    claim = services.message_post_system(
        conversation_id=group.pk,
        type="system",
        payload={"event": "red_packet_claimed"},
        text="{0} opened {1}'s red packet",
        named=[member, owner],
    )
    o, m, gone = owner.display_name, member.display_name, leaver.display_name

    def notices():
        return list(
            group.messages.filter(sender=None).order_by("seq").values_list("text", flat=True)
        )

    assert notices() == [
        f"{o} created the group",
        f'{o} renamed the group to "{{weird}} title"',
        f"{o} removed {gone}",
        f"{m} opened {o}'s red packet",
    ]
    assert claim.payload == {
        "event": "red_packet_claimed",
        "template": "{0} opened {1}'s red packet",
    }

    privacy.erase(owner)

    erased = owner.ERASED_DISPLAY_NAME
    assert notices() == [
        f"{erased} created the group",
        f'{erased} renamed the group to "{{weird}} title"',
        f"{erased} removed {gone}",
        f"{m} opened {erased}'s red packet",
        f"{erased} left the group",
    ]
    synced = consumer_client(member).get("/api/v1/sync", {"cursor": 0}).json()["events"]
    copies = [e["message"]["text"] for e in synced if e["type"] == "message.created"]
    assert o not in " ".join(copies)
    assert f"{m} opened {erased}'s red packet" in copies
