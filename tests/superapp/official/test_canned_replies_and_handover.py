"""The workspace's customer service: canned replies (managers write, everyone picks), handing a
conversation to a colleague (audited), live inbox events for claims and hand-overs, and the
reply window as the inbox shows it."""

import pytest
from django.utils import timezone

from superapp.official.models import BrandAuditEntry, CannedReply, ServiceConversation
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.superapp.official.factories import backdate, followers, official_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return official_account(kind="service", verified=True)


@pytest.fixture
def brand(account):
    return account.brand


@pytest.fixture
def conversation(account):
    (fan,) = followers(account, 1)
    consumer_client(fan).post(f"/api/v1/official-accounts/{account.pk}/messages", {"text": "Hi"})
    return ServiceConversation.objects.get(account=account, user=fan)


def canned_url(brand, suffix=""):
    return f"/api/v1/brands/{brand.pk}/canned-replies{suffix}"


def claim(conversation, user):
    return consumer_client(user).post(f"/api/v1/service-conversations/{conversation.pk}/claim")


def hand_over(conversation, actor, username):
    return consumer_client(actor).post(
        f"/api/v1/service-conversations/{conversation.pk}/handover", {"username": username}
    )


# --- Canned replies ---------------------------------------------------------------------------


def test_managers_write_canned_replies_that_associates_read_by_title(brand):
    admin = consumer_client(brand.admin)
    for title in ("Sizes", "hours"):
        created = admin.post(canned_url(brand), {"title": title, "text": f"About {title}"})
        assert created.status_code == 201, created.content
    listed = consumer_client(brand.associate).get(canned_url(brand))
    assert listed.status_code == 200
    assert [r["title"] for r in listed.json()["results"]] == ["hours", "Sizes"]
    assert BrandAuditEntry.objects.filter(brand=brand, action="canned_reply.created").count() == 2


def test_an_associate_may_not_write_canned_replies(brand):
    associate = consumer_client(brand.associate)
    refused = associate.post(canned_url(brand), {"title": "Mine", "text": "x"})
    assert_refused(refused, 403, "insufficient_role")
    reply = consumer_client(brand.owner).post(canned_url(brand), {"title": "A", "text": "a"})
    reply_id = reply.json()["id"]
    assert_refused(
        associate.patch(canned_url(brand, f"/{reply_id}"), {"text": "b"}),
        403,
        "insufficient_role",
    )
    assert_refused(associate.delete(canned_url(brand, f"/{reply_id}")), 403, "insufficient_role")
    assert CannedReply.objects.get().text == "a"


def test_canned_reply_titles_are_unique_per_brand_whatever_the_case(brand):
    owner = consumer_client(brand.owner)
    owner.post(canned_url(brand), {"title": "Returns", "text": "30 days"})
    again = owner.post(canned_url(brand), {"title": "returns", "text": "60 days"})
    assert_refused(again, 409, "canned_reply_title_taken")
    assert CannedReply.objects.count() == 1


def test_a_manager_edits_and_deletes_a_canned_reply(brand):
    owner = consumer_client(brand.owner)
    reply_id = owner.post(canned_url(brand), {"title": "Hi", "text": "Hello"}).json()["id"]
    edited = owner.patch(canned_url(brand, f"/{reply_id}"), {"text": "Hello there"})
    assert edited.json()["text"] == "Hello there"
    assert owner.delete(canned_url(brand, f"/{reply_id}")).status_code == 204
    gone = owner.delete(canned_url(brand, f"/{reply_id}"))
    assert_refused(gone, 404, "canned_reply_not_found")


def test_another_brand_cannot_see_nor_touch_the_canned_replies(brand):
    reply = consumer_client(brand.owner).post(canned_url(brand), {"title": "Hi", "text": "Hello"})
    other = official_account(kind="service").brand
    outsider = consumer_client(other.owner)
    assert outsider.get(canned_url(brand)).status_code == 404
    refused = outsider.delete(canned_url(other, f"/{reply.json()['id']}"))
    assert_refused(refused, 404, "canned_reply_not_found")


def test_the_canned_reply_limit(brand, settings):
    settings.OFFICIAL_MAX_CANNED_REPLIES = 1
    owner = consumer_client(brand.owner)
    owner.post(canned_url(brand), {"title": "One", "text": "1"})
    assert_refused(
        owner.post(canned_url(brand), {"title": "Two", "text": "2"}),
        422,
        "canned_reply_limit_reached",
    )


def test_listing_canned_replies_costs_the_same_for_many(brand):
    owner = consumer_client(brand.owner)
    made = iter(range(100))

    def build(count):
        for _ in range(count):
            owner.post(canned_url(brand), {"title": f"R{next(made)}", "text": "x"})

    assert_queries_constant(build, lambda: owner.get(canned_url(brand)))


# --- Claims and hand-overs --------------------------------------------------------------------


def test_a_claim_is_announced_to_every_member_of_the_brand(brand, conversation):
    assert claim(conversation, brand.associate).status_code == 200
    events = UserEvent.objects.filter(type="official.inbox_claimed")
    assert {e.user_id for e in events} == {brand.owner.pk, brand.admin.pk, brand.associate.pk}
    assert events.first().payload == {
        "conversation_id": conversation.pk,
        "claimed_by": brand.associate.username,
    }


def test_claiming_again_announces_nothing_new(brand, conversation):
    claim(conversation, brand.associate)
    claim(conversation, brand.associate)
    assert UserEvent.objects.filter(type="official.inbox_claimed").count() == 3


def test_the_holder_hands_a_conversation_to_a_colleague_who_may_answer(brand, conversation):
    claim(conversation, brand.associate)
    handed = hand_over(conversation, brand.associate, brand.admin.username)
    assert handed.status_code == 200, handed.content
    assert handed.json()["claimed_by"] == brand.admin.username
    answer = consumer_client(brand.admin).post(
        f"/api/v1/service-conversations/{conversation.pk}/replies", {"text": "On it"}
    )
    assert answer.status_code == 201
    entry = BrandAuditEntry.objects.get(action="service_conversation.handed_over")
    assert (entry.actor, entry.target) == (
        brand.associate,
        f"service_conversation:{conversation.pk}",
    )
    assert entry.details == {"from_user": brand.associate.username, "to_user": brand.admin.username}
    announced = UserEvent.objects.filter(type="official.inbox_claimed").order_by("-id").first()
    assert announced.payload["claimed_by"] == brand.admin.username


def test_a_manager_hands_over_a_conversation_nobody_holds(brand, conversation):
    handed = hand_over(conversation, brand.owner, brand.associate.username)
    assert handed.json()["claimed_by"] == brand.associate.username


def test_an_associate_cannot_hand_over_a_conversation_they_do_not_hold(brand, conversation):
    claim(conversation, brand.admin)
    refused = hand_over(conversation, brand.associate, brand.associate.username)
    assert_refused(refused, 409, "not_claimed_by_you")
    conversation.refresh_from_db()
    assert conversation.claimed_by == brand.admin


def test_a_conversation_goes_only_to_a_member_of_the_brand(brand, conversation):
    claim(conversation, brand.associate)
    stranger = UserFactory()
    refused = hand_over(conversation, brand.associate, stranger.username)
    body = assert_refused(refused, 400, "not_brand_staff")
    assert "username" in body["fields"]
    to_self = hand_over(conversation, brand.associate, brand.associate.username)
    assert_refused(to_self, 409, "handover_to_self")
    unknown = hand_over(conversation, brand.associate, "nobody-by-that-name")
    assert_refused(unknown, 404, "user_not_found")
    assert not BrandAuditEntry.objects.filter(action="service_conversation.handed_over").exists()


def test_outsiders_cannot_hand_over(brand, conversation):
    refused = hand_over(conversation, UserFactory(), brand.associate.username)
    assert_refused(refused, 404, "conversation_not_found")


# --- The inbox as the workspace shows it ------------------------------------------------------


def inbox(brand, user, **query):
    return consumer_client(user).get(f"/api/v1/brands/{brand.pk}/inbox", query).json()["results"]


def test_the_inbox_shows_what_awaits_an_answer_and_the_window_left(brand, conversation, settings):
    (entry,) = inbox(brand, brand.associate)
    assert entry["awaiting_reply"] is True
    assert entry["follower_username"] == conversation.user.username
    assert entry["replies_left"] == settings.OFFICIAL_SERVICE_WINDOW_MAX_REPLIES
    opened = conversation.window_opened_at
    closes = timezone.datetime.fromisoformat(entry["window_closes_at"])
    assert closes == opened + timezone.timedelta(hours=settings.OFFICIAL_SERVICE_WINDOW_HOURS)
    claim(conversation, brand.associate)
    consumer_client(brand.associate).post(
        f"/api/v1/service-conversations/{conversation.pk}/replies", {"text": "Hello"}
    )
    (entry,) = inbox(brand, brand.associate)
    assert (entry["awaiting_reply"], entry["replies_left"]) == (False, 4)


def test_a_closed_window_leaves_no_replies(brand, conversation, settings):
    backdate(conversation, "window_opened_at", hours=settings.OFFICIAL_SERVICE_WINDOW_HOURS + 1)
    (entry,) = inbox(brand, brand.associate)
    assert (entry["window_open"], entry["replies_left"]) == (False, 0)


def test_the_inbox_narrows_to_one_follower(brand, account, conversation):
    (other,) = followers(account, 1)
    consumer_client(other).post(f"/api/v1/official-accounts/{account.pk}/messages", {"text": "Yo"})
    assert len(inbox(brand, brand.associate)) == 2
    (only,) = inbox(brand, brand.associate, follower=conversation.user.username.upper())
    assert only["id"] == conversation.pk


def test_one_conversation_reads_as_its_inbox_entry(brand, conversation):
    url = f"/api/v1/service-conversations/{conversation.pk}"
    (listed,) = inbox(brand, brand.associate)
    assert consumer_client(brand.associate).get(url).json() == listed
    outsider = consumer_client(official_account(kind="service").brand.owner).get(url)
    assert_refused(outsider, 404, "conversation_not_found")
