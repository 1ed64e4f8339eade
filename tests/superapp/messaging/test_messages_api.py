"""Messages: types and validation, idempotent sending, mentions, recall, read/delivered."""

from datetime import timedelta

import pytest

from superapp.messaging.models import Message
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client, one_transaction
from tests.miniprograms.factories import released_app
from tests.miniprograms.shop.factories import world
from tests.superapp.messaging.factories import direct_chat, group_chat, send_text
from tests.superapp.official.factories import official_account
from tests.superapp.social.factories import block

pytestmark = pytest.mark.django_db

IMAGE = {"url": "https://cdn.example/cat.jpg", "width": 800, "height": 600, "size": 120_000}
PRODUCT = {"product_id": 3, "title": "Tea set", "price": {"amount": 2500, "currency": "EUR"}}


def post(client, conversation, **body):
    return client.post(f"/api/v1/conversations/{conversation.pk}/messages", body)


def events(user, type):
    return [e.payload for e in UserEvent.objects.filter(user=user, type=type).order_by("cursor")]


def test_a_message_gets_the_next_seq_and_reaches_every_member(api):
    chat, me, peer = direct_chat(a=api.user)
    response = post(api, chat, type="text", text="Hello", client_msg_id="c-1")
    assert response.status_code == 201
    body = response.json()
    assert (body["seq"], body["text"], body["sender"]["username"]) == (1, "Hello", me.username)
    for user in (me, peer):
        [event] = events(user, "message.created")
        assert event["message"] == body
    assert post(api, chat, type="text", text="again").json()["seq"] == 2


def test_a_group_message_is_four_statements_that_leave_everything_in_step():
    """The hottest write of chat (docs/messaging.md, "Benchmark"): lock the conversation and
    reserve the message's id, read the members, move the sender's read position, then the
    message, the conversation's last message and every member's event in one statement."""
    chat, owner, others = group_chat(members=3)
    seq = send_text(chat, owner, "warm-up").seq + 1
    with one_transaction() as statements:
        message = send_text(chat, owner, "Hi all", client_msg_id="c-4")
    assert len(statements) == 4, statements
    chat.refresh_from_db()
    assert (chat.last_seq, chat.last_message_id, message.seq) == (seq, message.pk, seq)
    assert Message.objects.get(pk=message.pk).text == "Hi all"
    assert chat.members.get(user=owner).read_seq == seq
    for user in (owner, *others):
        assert events(user, "message.created")[-1]["message"]["id"] == message.pk


def real_product_card() -> dict:
    """A card of a published product at its real price (cards are checked: issue 22)."""
    shop = world()
    price = shop.sku.prices.get()
    return {
        "product_id": shop.product.pk,
        "title": shop.product.title,
        "price": {"amount": price.amount, "currency": price.currency},
    }


def real_miniprogram_card() -> dict:
    app, _, _ = released_app()
    return {"app_id": app.app_id, "title": "Coffee shop", "path": "pages/index"}


@pytest.mark.parametrize(
    ("type", "payload"),
    [
        ("image", lambda: IMAGE),
        ("product", real_product_card),
        ("miniprogram", real_miniprogram_card),
    ],
)
def test_card_messages_carry_their_validated_payload(api, type, payload):
    chat, _, _ = direct_chat(a=api.user)
    card = payload()
    response = post(api, chat, type=type, payload=card)
    assert response.status_code == 201, response.content
    assert response.json()["payload"] == card


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "text", "text": "   "}, "text"),
        ({"type": "location", "text": "hi"}, "type"),
        ({"type": "voice", "text": "hi"}, "payload"),  # a voice note is an upload's id
        ({"type": "red_packet", "payload": {"red_packet_id": 1}}, "type"),
        ({"type": "system", "text": "I am the system"}, "type"),
        ({"type": "image", "payload": {**IMAGE, "size": 0}}, "payload"),
        ({"type": "image", "payload": {**IMAGE, "url": "ftp://x"}}, "payload"),
        (
            {
                "type": "product",
                "payload": {**PRODUCT, "price": {"amount": 1.5, "currency": "EUR"}},
            },
            "payload",
        ),
        ({"type": "miniprogram", "payload": {"app_id": "mp"}}, "payload"),
    ],
)
def test_invalid_messages_are_refused_with_the_offending_field(api, body, field):
    chat, _, _ = direct_chat(a=api.user)
    response = post(api, chat, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Message.objects.exists()


def test_text_length_is_limited(api, settings):
    settings.MESSAGE_TEXT_MAX_LENGTH = 10
    chat, _, _ = direct_chat(a=api.user)
    response = post(api, chat, type="text", text="x" * 11)
    assert_refused(response, 400, "text_too_long")
    assert post(api, chat, type="text", text="x" * 10).status_code == 201


def test_retrying_with_the_same_client_msg_id_returns_the_same_message(api):
    chat, _me, peer = direct_chat(a=api.user)
    first = post(api, chat, type="text", text="Once", client_msg_id="abc")
    retry = post(api, chat, type="text", text="Once", client_msg_id="abc")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Message.objects.count() == 1
    assert len(events(peer, "message.created")) == 1
    other_sender = post(consumer_client(peer), chat, type="text", text="Once", client_msg_id="abc")
    assert other_sender.status_code == 201  # ids are scoped to their sender


def test_reusing_a_client_msg_id_for_other_content_is_a_conflict(api):
    chat, _, _ = direct_chat(a=api.user)
    post(api, chat, type="text", text="Once", client_msg_id="abc")
    reused = post(api, chat, type="text", text="Twice", client_msg_id="abc")
    assert_refused(reused, 409, "client_msg_id_reused")


def test_a_blocked_user_cannot_message_the_blocker(api):
    chat, me, peer = direct_chat(a=api.user)
    block(peer, me)
    refused = post(api, chat, type="text", text="hello?")
    assert_refused(refused, 403, "blocked")
    refused_back = post(consumer_client(peer), chat, type="text", text="bye")
    assert refused_back.status_code == 403
    assert not Message.objects.exists()


def test_mentions_name_members_and_at_all_is_for_admins(api):
    group, _owner, (member, other) = group_chat(owner=api.user, members=2)
    named = post(api, group, type="text", text="@x look", mentions=[member.username.upper()])
    assert named.json()["mentions"] == [member.pk]
    stranger = post(api, group, type="text", text="hi", mentions=[UserFactory().username])
    assert (stranger.status_code, "mentions" in stranger.json()["fields"]) == (400, True)
    by_member = post(consumer_client(member), group, type="text", text="all!", mentions=["all"])
    assert_refused(by_member, 403, "mention_all_forbidden")
    everyone = post(api, group, type="text", text="all!", mentions=["all"])
    assert everyone.json()["mentions_all"] is True
    listed = consumer_client(other).get("/api/v1/conversations").json()["results"][0]
    assert listed["mentioned"] is True


def test_a_recalled_mention_stops_flagging_but_an_earlier_one_still_stands(api):
    group, _owner, (member, other) = group_chat(owner=api.user, members=2)

    def mentioned(user):
        listed = consumer_client(user).get("/api/v1/conversations").json()["results"]
        return next(c["mentioned"] for c in listed if c["id"] == group.pk)

    first = post(api, group, type="text", text="@m one", mentions=[member.username]).json()
    everyone = post(api, group, type="text", text="@all two", mentions=["all"]).json()
    assert (mentioned(member), mentioned(other)) == (True, True)

    api.post(f"/api/v1/messages/{everyone['id']}/recall")
    assert (mentioned(member), mentioned(other)) == (True, False)  # the first still stands

    api.post(f"/api/v1/messages/{first['id']}/recall")
    assert mentioned(member) is False


def test_the_sender_recalls_within_the_window_and_everyone_sees_a_notice(api):
    chat, me, peer = direct_chat(a=api.user)
    message_id = post(api, chat, type="text", text="oops").json()["id"]
    by_peer = consumer_client(peer).post(f"/api/v1/messages/{message_id}/recall")
    assert_refused(by_peer, 403, "not_sender")
    recalled = api.post(f"/api/v1/messages/{message_id}/recall")
    assert recalled.status_code == 200
    notice = f"{me.display_name} recalled a message"
    body = recalled.json()
    assert (body["recalled"], body["type"], body["text"], body["seq"]) == (
        True,
        "system",
        notice,
        1,
    )
    assert body["payload"] == {"recalled_type": "text"}
    [event] = events(peer, "message.recalled")
    assert event["message"] == body
    history = consumer_client(peer).get(f"/api/v1/conversations/{chat.pk}/messages").json()
    assert history["results"] == [body]
    again = api.post(f"/api/v1/messages/{message_id}/recall")
    assert_refused(again, 409, "already_recalled")


def test_a_recalled_message_is_gone_from_every_stored_copy(api):
    """A client that syncs from an old cursor after the recall gets the notice in place of
    the words, at the same cursor: nothing is re-sent, nothing is left behind."""
    chat, _, peer = direct_chat(a=api.user)
    message_id = post(api, chat, type="text", text="wrong chat, sorry").json()["id"]
    [before] = UserEvent.objects.filter(user=peer, type="message.created")

    recalled = api.post(f"/api/v1/messages/{message_id}/recall").json()

    synced = consumer_client(peer).get("/api/v1/sync", {"cursor": 0}).json()["events"]
    assert [e["cursor"] for e in synced if e["type"] == "message.created"] == [before.cursor]
    assert [e["message"] for e in synced if e["type"] == "message.created"] == [recalled]
    assert "wrong chat, sorry" not in str(synced)


def test_recall_window_is_enforced(api, settings):
    chat, _, _ = direct_chat(a=api.user)
    message_id = post(api, chat, type="text", text="too late").json()["id"]
    settings.MESSAGE_RECALL_WINDOW = timedelta(0)
    late = api.post(f"/api/v1/messages/{message_id}/recall")
    assert_refused(late, 422, "recall_window_passed")


def test_history_pages_ascend_by_seq_after_a_position(api):
    chat, _me, peer = direct_chat(a=api.user)
    for i in range(5):
        send_text(chat, peer, f"m{i}")
    page = api.get(f"/api/v1/conversations/{chat.pk}/messages", {"after_seq": 1, "limit": 3}).json()
    assert [m["seq"] for m in page["results"]] == [2, 3, 4]
    assert page["has_more"] is True
    too_big = api.get(f"/api/v1/conversations/{chat.pk}/messages", {"limit": 10_000})
    assert too_big.status_code == 400


def test_reading_clears_unread_and_sends_a_receipt_in_direct_chats(api):
    chat, _me, peer = direct_chat(a=api.user)
    for text in ("a", "b", "c"):
        send_text(chat, peer, text)
    delivered = api.post(f"/api/v1/conversations/{chat.pk}/delivered", {"seq": 3})
    assert delivered.json()["delivered_seq"] == 3
    read = api.post(f"/api/v1/conversations/{chat.pk}/read", {"seq": 2})
    assert (read.json()["read_seq"], read.json()["unread_count"]) == (2, 1)
    backwards = api.post(f"/api/v1/conversations/{chat.pk}/read", {"seq": 1})
    assert backwards.json()["read_seq"] == 2  # positions never move back
    beyond = api.post(f"/api/v1/conversations/{chat.pk}/read", {"seq": 99})
    assert beyond.json()["read_seq"] == 3  # nor past the last message
    assert [e["seq"] for e in events(peer, "conversation.read")] == [2, 2, 3]
    assert [e["seq"] for e in events(peer, "conversation.delivered")] == [3]
    ticks = consumer_client(peer).get(f"/api/v1/conversations/{chat.pk}/messages").json()
    assert (ticks["peer_delivered_seq"], ticks["peer_read_seq"]) == (3, 3)


def test_group_read_positions_stay_private(api):
    group, owner, (member,) = group_chat(owner=api.user, members=1)
    consumer_client(member).post(f"/api/v1/conversations/{group.pk}/read", {"seq": 1})
    assert events(owner, "conversation.read") == []
    assert len(events(member, "conversation.read")) == 1
    page = api.get(f"/api/v1/conversations/{group.pk}/messages").json()
    assert page["peer_read_seq"] is None


def test_sending_marks_the_conversation_read_for_the_sender(api):
    chat, _me, peer = direct_chat(a=api.user)
    send_text(chat, peer, "question?")
    post(api, chat, type="text", text="answer")
    assert api.get(f"/api/v1/conversations/{chat.pk}").json()["unread_count"] == 0
    assert consumer_client(peer).get(f"/api/v1/conversations/{chat.pk}").json()["unread_count"] == 1


def test_an_official_account_card_shows_the_accounts_own_name_and_a_missing_one_is_refused():
    conversation, sender, _ = direct_chat()
    account = official_account(name="Maison Lune", avatar_url="https://cdn.example/lune.png")

    def send_card(payload: dict, client_msg_id: str):
        return consumer_client(sender).post(
            f"/api/v1/conversations/{conversation.pk}/messages",
            {"type": "official_account", "payload": payload, "client_msg_id": client_msg_id},
            format="json",
        )

    sent = send_card({"account_id": account.pk, "name": "Not the real name"}, "oa-1")
    assert sent.status_code == 201, sent.content
    assert sent.json()["payload"] == {
        "account_id": account.pk,
        "name": "Maison Lune",
        "avatar_url": "https://cdn.example/lune.png",
    }
    assert_refused(send_card({"account_id": account.pk + 1000}, "oa-2"), 404, "account_not_found")
    assert Message.objects.filter(type="official_account").count() == 1
