"""Broadcasts: quotas, fan-out on read (follower-only visibility), socket hints."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test.utils import override_settings

from superapp.asgi import application
from superapp.core.errors import RateLimited
from superapp.official import selectors, services
from superapp.official.models import Broadcast
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client, run_together
from tests.superapp.official.factories import backdate, followers, official_account, publish

pytestmark = pytest.mark.django_db


def post_broadcast(account, client=None, **body):
    client = client or consumer_client(account.brand.owner)
    body = {"title": "Autumn", "body": "The collection is here.", **body}
    return client.post(f"/api/v1/official-accounts/{account.pk}/broadcasts", body, format="json")


# --- Quotas -----------------------------------------------------------------------------------


def test_a_subscription_account_broadcasts_once_a_day():
    account = official_account(kind="subscription")
    assert post_broadcast(account).status_code == 201
    refused = post_broadcast(account)
    assert refused.status_code == 429
    assert refused.json()["code"] == "broadcast_quota_exceeded"
    assert refused.json()["limit"] == 1
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert Broadcast.objects.filter(account=account).count() == 1


def test_yesterdays_broadcast_does_not_count_against_today():
    account = official_account(kind="subscription")
    backdate(publish(account), "created_at", days=1)
    assert post_broadcast(account).status_code == 201


def test_a_service_account_broadcasts_four_times_a_month():
    account = official_account(kind="service")
    assert [post_broadcast(account).status_code for _ in range(5)] == [201, 201, 201, 201, 429]


def test_last_months_broadcasts_do_not_count_against_this_month():
    account = official_account(kind="service")
    for _ in range(4):
        backdate(publish(account), "created_at", days=32)
    assert post_broadcast(account).status_code == 201


@override_settings(OFFICIAL_SUBSCRIPTION_BROADCASTS_PER_DAY=2)
def test_the_quota_is_a_setting():
    account = official_account(kind="subscription")
    assert [post_broadcast(account).status_code for _ in range(3)] == [201, 201, 429]


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_cannot_both_take_the_last_slot():
    account = official_account(kind="subscription")
    results = run_together([lambda: publish(account)] * 4)
    failures = [r for r in results if isinstance(r, Exception)]
    assert [type(f) for f in failures] == [RateLimited] * 3, failures
    assert Broadcast.objects.filter(account=account).count() == 1


def test_a_retried_publish_with_the_same_key_goes_out_once():
    account = official_account(kind="subscription")
    client = consumer_client(account.brand.owner)
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {client.access_token}", HTTP_IDEMPOTENCY_KEY="launch-1"
    )
    first, retry = post_broadcast(account, client), post_broadcast(account, client)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert first.json()["id"] == retry.json()["id"]
    assert Broadcast.objects.filter(account=account).count() == 1


def test_only_owners_and_admins_broadcast():
    account = official_account()
    by_associate = post_broadcast(account, consumer_client(account.brand.associate))
    assert_refused(by_associate, 403, "insufficient_role")
    assert post_broadcast(account, consumer_client(account.brand.admin)).status_code == 201


def test_a_broadcast_may_carry_links_and_an_article_of_its_own_account():
    account, other = official_account(), official_account()
    article = consumer_client(other.brand.owner).post(
        f"/api/v1/official-accounts/{other.pk}/articles",
        {"title": "Elsewhere", "body": [{"type": "paragraph", "text": "x"}]},
        format="json",
    )
    foreign = post_broadcast(account, article=article.json()["id"])
    assert (foreign.status_code, foreign.json()["fields"]) == (
        400,
        {"article": ["No such article on this account."]},
    )
    links = [{"type": "product", "title": "The coat", "product_id": 42}]
    created = post_broadcast(account, links=links)
    assert created.status_code == 201
    assert created.json()["links"] == links


# --- Feed: fan-out on read --------------------------------------------------------------------


def feed(user, **params):
    response = consumer_client(user).get("/api/v1/official-accounts/feed", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_followers_see_a_broadcast_in_their_feed_and_others_do_not():
    account = official_account()
    (fan,) = followers(account, 1)
    stranger = UserFactory()
    broadcast = publish(account, title="Hello followers")
    assert [b["id"] for b in feed(fan)["results"]] == [broadcast.pk]
    assert feed(fan)["results"][0]["account_name"] == account.name
    assert feed(stranger)["results"] == []
    refused = consumer_client(stranger).get(f"/api/v1/official-accounts/{account.pk}/broadcasts")
    assert_refused(refused, 403, "not_following")


def test_a_follow_after_the_broadcast_does_not_get_it():
    account = official_account()
    earlier = publish(account)
    backdate(earlier, "created_at", seconds=1)
    (late_fan,) = followers(account, 1)
    assert feed(late_fan)["results"] == []
    history = consumer_client(late_fan).get(f"/api/v1/official-accounts/{account.pk}/broadcasts")
    assert history.json()["results"] == []


def test_unfollowed_accounts_stop_appearing():
    account = official_account()
    (fan,) = followers(account, 1)
    publish(account)
    consumer_client(fan).delete(f"/api/v1/official-accounts/{account.pk}/follow")
    assert feed(fan)["results"] == []


def test_brand_staff_see_every_broadcast_of_their_account():
    account = official_account()
    backdate(publish(account), "created_at", days=40)
    publish(account)
    response = consumer_client(account.brand.associate).get(
        f"/api/v1/official-accounts/{account.pk}/broadcasts"
    )
    assert len(response.json()["results"]) == 2


@override_settings(OFFICIAL_SERVICE_BROADCASTS_PER_MONTH=100)
def test_the_feed_merges_followed_accounts_newest_first_and_pages():
    accounts = [official_account() for _ in range(3)]
    fan = UserFactory()
    for account in accounts:
        consumer_client(fan).post(f"/api/v1/official-accounts/{account.pk}/follow")
    published = [publish(accounts[i % 3], title=f"#{i}") for i in range(7)]
    first = feed(fan, limit=4)
    second = feed(fan, limit=4, cursor=first["next"])
    titles = [b["title"] for b in first["results"] + second["results"]]
    assert titles == [b.title for b in reversed(published)]
    assert second["next"] is None


@override_settings(OFFICIAL_SERVICE_BROADCASTS_PER_MONTH=100)
def test_the_portable_feed_query_agrees_with_the_lateral_one():
    early, late, unfollowed = (official_account() for _ in range(3))
    fan = UserFactory()
    services.account_follow(user=fan, account_id=early.pk)
    for i in range(3):
        publish(early, title=f"early {i}")
        publish(late, title=f"before follow {i}")
        publish(unfollowed, title=f"never {i}")
    services.account_follow(user=fan, account_id=late.pk)
    for i in range(3):
        publish(late, title=f"late {i}")
        publish(early, title=f"early again {i}")
    lateral = selectors.feed_for_user(user=fan, before=None, limit=4)
    cursor = (lateral[-1].created_at, lateral[-1].pk)
    for before in (selectors.FEED_START, cursor):
        expected = selectors.feed_for_user(user=fan, before=before, limit=4)
        portable = selectors.feed_portable_query(user=fan, before=before, limit=4)
        assert [b.pk for b in portable] == [b.pk for b in expected]
    titles = [b.title for b in selectors.feed_for_user(user=fan, before=None, limit=20)]
    assert len(titles) == 9
    assert not any(t.startswith(("before follow", "never")) for t in titles)


def test_a_garbled_feed_cursor_is_a_400():
    response = consumer_client(UserFactory()).get("/api/v1/official-accounts/feed?cursor=zzz")
    assert_refused(response, 400, "validation_error")


@override_settings(OFFICIAL_SERVICE_BROADCASTS_PER_MONTH=100)
def test_the_feed_query_count_does_not_grow_with_followed_accounts():
    fan = UserFactory()
    client = consumer_client(fan)

    def follow_more(count):
        for _ in range(count):
            account = official_account()
            client.post(f"/api/v1/official-accounts/{account.pk}/follow")
            publish(account)

    assert_queries_constant(follow_more, lambda: client.get("/api/v1/official-accounts/feed"))


# --- Socket hints -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_online_follower_hears_the_broadcast_on_their_socket():
    account = official_account()
    (fan,) = followers(account, 1)
    latecomer = UserFactory()
    token, latecomer_token = (consumer_client(u).access_token for u in (fan, latecomer))

    async def scenario():
        socket = WebsocketCommunicator(application, f"/ws/?token={token}")
        late_socket = WebsocketCommunicator(application, f"/ws/?token={latecomer_token}")
        assert (await socket.connect())[0]
        assert (await late_socket.connect())[0]
        # Following while online joins the account's group too.
        await database_sync_to_async(follow)(latecomer, account)
        await late_socket.receive_nothing(timeout=0.3)
        broadcast = await database_sync_to_async(publish)(account, title="Live now")
        for communicator in (socket, late_socket):
            event = await communicator.receive_json_from(timeout=5)
            assert event["type"] == "official.broadcast"
            assert event["broadcast"]["id"] == broadcast.pk
            assert event["broadcast"]["title"] == "Live now"
        # Unfollowing while online leaves the group: no more hints.
        await database_sync_to_async(unfollow)(latecomer, account)
        await late_socket.receive_nothing(timeout=0.3)
        await database_sync_to_async(publish)(account, title="Encore")
        assert (await socket.receive_json_from(timeout=5))["broadcast"]["title"] == "Encore"
        assert await late_socket.receive_nothing(timeout=0.5)
        for communicator in (socket, late_socket):
            await communicator.disconnect()

    async_to_sync(scenario)()


def follow(user, account):
    consumer_client(user).post(f"/api/v1/official-accounts/{account.pk}/follow")


def unfollow(user, account):
    consumer_client(user).delete(f"/api/v1/official-accounts/{account.pk}/follow")
