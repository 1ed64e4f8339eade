"""Customer service: follower messages, the shared inbox, claims, the 48-hour/5-replies rule,
keyword auto-replies."""

import functools

import pytest
from django.test.utils import override_settings

from superapp.core.errors import Conflict
from superapp.core.models import DomainEvent
from superapp.official import services
from superapp.official.models import ServiceConversation
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import (
    assert_queries_constant,
    assert_refused,
    consumer_client,
    join_team,
    run_together,
)
from tests.superapp.official.factories import backdate, followers, official_account

pytestmark = pytest.mark.django_db


def write(account, user, text="Is the coat available in M?"):
    return consumer_client(user).post(
        f"/api/v1/official-accounts/{account.pk}/messages", {"text": text}
    )


def reply(conversation_id, staff, text="Yes, in Paris."):
    return consumer_client(staff).post(
        f"/api/v1/service-conversations/{conversation_id}/replies", {"text": text}
    )


def claim(conversation_id, staff):
    return consumer_client(staff).post(f"/api/v1/service-conversations/{conversation_id}/claim")


@pytest.fixture
def account():
    return official_account(kind="service", verified=True)


@pytest.fixture
def fan(account):
    return followers(account, 1)[0]


@pytest.fixture
def conversation(account, fan):
    write(account, fan)
    conversation = ServiceConversation.objects.get(account=account, user=fan)
    assert claim(conversation.pk, account.brand.associate).status_code == 200
    return conversation


def test_a_follower_message_lands_in_the_shared_inbox(account, fan):
    response = write(account, fan)
    assert response.status_code == 201
    inbox = consumer_client(account.brand.associate).get(
        f"/api/v1/brands/{account.brand.pk}/inbox", {"status": "unclaimed"}
    )
    (entry,) = inbox.json()["results"]
    assert entry["follower"] == fan.display_name
    assert entry["last_text"] == "Is the coat available in M?"
    assert (entry["claimed_by"], entry["window_open"]) == (None, True)
    notified = UserEvent.objects.filter(type="official.inbox_message").values_list("user_id")
    staff = {account.brand.owner.pk, account.brand.admin.pk, account.brand.associate.pk}
    assert {user_id for (user_id,) in notified} == staff


def test_a_follower_message_emits_the_domain_event(account, fan):
    message_id = write(account, fan).json()["id"]
    event = DomainEvent.objects.get(type="official.service_message_received")
    assert event.payload == {
        "brand_id": account.brand.pk,
        "account_id": account.pk,
        "user_id": fan.pk,
        "message_id": message_id,
    }


def test_only_followers_can_message_an_account(account):
    response = write(account, UserFactory())
    assert_refused(response, 403, "not_following")
    assert not ServiceConversation.objects.exists()


@override_settings(OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE=2)
def test_follower_messages_are_rate_limited(account, fan):
    assert [write(account, fan).status_code for _ in range(3)] == [201, 201, 429]


def test_an_associate_claims_and_replies_as_the_brand(account, fan, conversation):
    response = reply(conversation.pk, account.brand.associate)
    assert response.status_code == 201
    assert response.json()["sent_by"] == account.brand.associate.username
    thread = consumer_client(fan).get(f"/api/v1/official-accounts/{account.pk}/messages")
    latest = thread.json()["results"][0]
    assert (latest["direction"], latest["text"]) == ("from_brand", "Yes, in Paris.")
    assert "sent_by" not in latest  # the follower hears the brand, not the associate
    pushed = UserEvent.objects.filter(user=fan, type="official.service_message").last()
    assert pushed.payload["message"]["text"] == "Yes, in Paris."


def test_a_claimed_conversation_is_not_claimed_twice(account, conversation):
    colleague = UserFactory()
    join_team(
        account.brand.owner,
        kind="brand",
        team_id=account.brand.pk,
        user=colleague,
        role="associate",
    )
    response = claim(conversation.pk, colleague)
    assert_refused(response, 409, "already_claimed")
    refused = reply(conversation.pk, colleague)
    assert_refused(refused, 409, "not_claimed_by_you")
    assert claim(conversation.pk, account.brand.associate).status_code == 200  # idempotent


def test_the_inbox_filters_mine_and_unclaimed(account, conversation):
    other_fan = followers(account, 1)[0]
    write(account, other_fan)
    client = consumer_client(account.brand.associate)
    url = f"/api/v1/brands/{account.brand.pk}/inbox"
    mine = client.get(url, {"status": "mine"}).json()["results"]
    unclaimed = client.get(url, {"status": "unclaimed"}).json()["results"]
    assert [c["id"] for c in mine] == [conversation.pk]
    assert [c["follower"] for c in unclaimed] == [other_fan.display_name]
    everything = client.get(url).json()["results"]
    assert [c["follower"] for c in everything] == [
        other_fan.display_name,
        conversation.user.display_name,
    ]
    write(account, conversation.user, "Back again")
    first = client.get(url).json()["results"][0]
    assert (first["id"], first["last_text"]) == (conversation.pk, "Back again")
    bad = client.get(url, {"status": "everything"})
    assert bad.status_code == 400


def test_the_inbox_has_no_n_plus_one(account):
    client = consumer_client(account.brand.associate)

    def more_conversations(count):
        for fan in followers(account, count):
            write(account, fan)

    assert_queries_constant(
        more_conversations, lambda: client.get(f"/api/v1/brands/{account.brand.pk}/inbox")
    )


def test_outsiders_and_other_brands_see_no_conversation(account, conversation):
    rival = official_account().brand
    for outsider in (rival.admin, UserFactory()):
        client = consumer_client(outsider)
        url = f"/api/v1/service-conversations/{conversation.pk}"
        assert client.get(f"{url}/messages").status_code == 404
        assert client.post(f"{url}/claim").status_code == 404
        assert client.get(f"/api/v1/brands/{account.brand.pk}/inbox").status_code == 404


# --- The 48-hour rule -------------------------------------------------------------------------


def test_five_replies_within_the_window_then_it_closes(account, conversation):
    statuses = [reply(conversation.pk, account.brand.associate).status_code for _ in range(6)]
    assert statuses == [201, 201, 201, 201, 201, 422]
    refused = reply(conversation.pk, account.brand.associate)
    assert refused.json()["code"] == "service_window_closed"


def test_no_reply_48_hours_after_the_followers_last_message(account, conversation):
    backdate(conversation, "window_opened_at", hours=48, seconds=1)
    refused = reply(conversation.pk, account.brand.associate)
    assert_refused(refused, 422, "service_window_closed")


def test_a_reply_just_inside_48_hours_is_allowed(account, conversation):
    backdate(conversation, "window_opened_at", hours=47, minutes=59)
    assert reply(conversation.pk, account.brand.associate).status_code == 201


def test_the_followers_next_message_reopens_the_window(account, fan, conversation):
    for _ in range(5):
        reply(conversation.pk, account.brand.associate)
    backdate(conversation, "window_opened_at", hours=50)
    assert reply(conversation.pk, account.brand.associate).status_code == 422
    write(account, fan, "Still there?")
    assert reply(conversation.pk, account.brand.associate).status_code == 201


@override_settings(OFFICIAL_SERVICE_WINDOW_MAX_REPLIES=2, OFFICIAL_SERVICE_WINDOW_HOURS=1)
def test_the_window_is_a_setting(account, conversation):
    statuses = [reply(conversation.pk, account.brand.associate).status_code for _ in range(3)]
    assert statuses == [201, 201, 422]


# --- Advanced features need a verified service account ----------------------------------------


@pytest.mark.parametrize(
    ("kind", "verified"), [("service", False), ("subscription", True)], ids=["unverified", "sub"]
)
def test_customer_service_replies_need_a_verified_service_account(kind, verified):
    account = official_account(kind=kind, verified=verified)
    (fan,) = followers(account, 1)
    write(account, fan)
    conversation = ServiceConversation.objects.get(account=account)
    response = claim(conversation.pk, account.brand.associate)
    assert (response.status_code, response.json()["code"]) == (
        422,
        "verified_service_account_required",
    )


# --- Keyword auto-replies ---------------------------------------------------------------------


def add_keyword(account, keyword, answer, match="exact", staff=None):
    return consumer_client(staff or account.brand.admin).post(
        f"/api/v1/official-accounts/{account.pk}/auto-replies",
        {"keyword": keyword, "match": match, "reply": answer},
    )


def test_a_keyword_gets_its_automatic_answer(account, fan):
    assert add_keyword(account, "Hours", "Open 10:00-19:00, Monday to Saturday.").status_code == 201
    add_keyword(account, "store", "Our stores: plaza.example/stores", match="contains")
    write(account, fan, "  hours ")
    write(account, fan, "where is your nearest STORE please")
    write(account, fan, "something else")
    thread = consumer_client(fan).get(f"/api/v1/official-accounts/{account.pk}/messages")
    answers = [m["text"] for m in thread.json()["results"] if m["kind"] == "auto_reply"]
    assert answers == ["Our stores: plaza.example/stores", "Open 10:00-19:00, Monday to Saturday."]


def test_auto_replies_do_not_use_up_the_brands_replies(account, fan, conversation):
    add_keyword(account, "hi", "Hello!")
    for _ in range(6):
        write(account, fan, "hi")
    statuses = [reply(conversation.pk, account.brand.associate).status_code for _ in range(5)]
    assert statuses == [201] * 5


def test_keywords_are_unique_per_account_case_insensitively(account):
    add_keyword(account, "Hours", "a")
    response = add_keyword(account, "hours", "b")
    assert_refused(response, 409, "keyword_taken")


def test_associates_read_but_do_not_configure_auto_replies(account):
    refused = add_keyword(account, "x", "y", staff=account.brand.associate)
    assert refused.status_code == 403
    rule_id = add_keyword(account, "x", "y").json()["id"]
    listed = consumer_client(account.brand.associate).get(
        f"/api/v1/official-accounts/{account.pk}/auto-replies"
    )
    assert [r["keyword"] for r in listed.json()["results"]] == ["x"]
    url = f"/api/v1/official-accounts/{account.pk}/auto-replies/{rule_id}"
    assert consumer_client(account.brand.associate).delete(url).status_code == 403
    assert consumer_client(account.brand.owner).delete(url).status_code == 204
    assert consumer_client(account.brand.owner).delete(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_associates_claiming_at_once_get_one_claim():
    account = official_account(kind="service", verified=True)
    (fan,) = followers(account, 1)
    write(account, fan)
    conversation = ServiceConversation.objects.get()
    colleague = UserFactory()
    services.brand_member_add(
        actor=account.brand.owner, brand_id=account.brand.pk, user=colleague, role="associate"
    )
    results = run_together(
        [
            functools.partial(
                services.conversation_claim, actor=associate, conversation_id=conversation.pk
            )
            for associate in (account.brand.associate, colleague)
        ]
    )
    outcomes = sorted("conflict" if isinstance(r, Conflict) else type(r).__name__ for r in results)
    assert outcomes == ["ServiceConversation", "conflict"], results
