"""loyalty.campaign_sent delivery, data export/erasure, and the demo seed."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from superapp.core import domain_events
from superapp.official import privacy
from superapp.official.events import CampaignSent
from superapp.official.models import Brand, Follow, ServiceConversation, ServiceMessage
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.superapp.official.factories import followers, official_account, publish

pytestmark = pytest.mark.django_db


def emit_campaign(account, user_ids, campaign_id=7):
    with transaction.atomic():
        domain_events.emit(
            CampaignSent(
                campaign_id=campaign_id,
                brand_id=account.brand.pk,
                account_id=account.pk,
                user_ids=tuple(user_ids),
                title="Double points weekend",
                body="Earn twice the points until Sunday.",
            )
        )


def test_a_campaign_reaches_the_listed_followers_as_a_brand_message(
    django_capture_on_commit_callbacks,
):
    account = official_account()
    listed, unlisted = followers(account, 2), followers(account, 1)
    stranger = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        emit_campaign(account, [u.pk for u in listed] + [stranger.pk])
    received = ServiceMessage.objects.filter(kind="campaign")
    assert {m.conversation.user_id for m in received} == {u.pk for u in listed}
    thread = consumer_client(listed[0]).get(f"/api/v1/official-accounts/{account.pk}/messages")
    message = thread.json()["results"][0]
    assert (message["direction"], message["title"]) == ("from_brand", "Double points weekend")
    pushed = UserEvent.objects.filter(type="official.service_message")
    assert {e.user_id for e in pushed} == {u.pk for u in listed}
    assert not ServiceConversation.objects.filter(user__in=[*unlisted, stranger]).exists()


def test_a_campaign_is_delivered_once_even_if_the_event_repeats(django_capture_on_commit_callbacks):
    account = official_account()
    (fan,) = followers(account, 1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            emit_campaign(account, [fan.pk], campaign_id=9)
    assert ServiceMessage.objects.filter(kind="campaign", campaign_id=9).count() == 1


def test_a_campaign_naming_another_brands_account_delivers_nothing(
    django_capture_on_commit_callbacks,
):
    account, other = official_account(), official_account()
    (fan,) = followers(account, 1)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        domain_events.emit(
            CampaignSent(
                campaign_id=1,
                brand_id=other.brand.pk,
                account_id=account.pk,
                user_ids=(fan.pk,),
                title="t",
                body="b",
            )
        )
    assert not ServiceMessage.objects.exists()


def test_export_lists_follows_messages_and_memberships():
    account = official_account()
    (fan,) = followers(account, 1)
    consumer_client(fan).post(f"/api/v1/official-accounts/{account.pk}/messages", {"text": "Hi"})
    exported = privacy.export(fan)
    assert [f["account_id"] for f in exported["follows"]] == [account.pk]
    assert [m["text"] for m in exported["service_messages"]] == ["Hi"]
    owner_export = privacy.export(account.brand.owner)
    assert owner_export["brand_memberships"][0]["role"] == "owner"
    assert {c["action"] for c in owner_export["brand_changes"]} >= {"account.created"}


def test_erase_unfollows_and_deletes_the_users_threads():
    account = official_account()
    (fan,) = followers(account, 1)
    consumer_client(fan).post(f"/api/v1/official-accounts/{account.pk}/messages", {"text": "Hi"})
    publish(account)
    privacy.erase(fan)
    assert not Follow.objects.filter(user=fan).exists()
    assert not ServiceMessage.objects.filter(conversation__user=fan).exists()
    profile = consumer_client(UserFactory()).get(f"/api/v1/official-accounts/{account.pk}")
    assert profile.json()["follower_count"] == 0
    assert privacy.export(fan)["service_messages"] == []


def test_erasing_an_associate_keeps_the_brands_replies_unattributed():
    account = official_account()
    (fan,) = followers(account, 1)
    consumer_client(fan).post(f"/api/v1/official-accounts/{account.pk}/messages", {"text": "Hi"})
    conversation = ServiceConversation.objects.get()
    associate = consumer_client(account.brand.associate)
    associate.post(f"/api/v1/service-conversations/{conversation.pk}/claim")
    associate.post(f"/api/v1/service-conversations/{conversation.pk}/replies", {"text": "Hello"})
    privacy.erase(account.brand.associate)
    reply = ServiceMessage.objects.get(direction="from_brand")
    assert (reply.text, reply.sent_by) == ("Hello", None)
    conversation.refresh_from_db()
    assert conversation.claimed_by is None


def test_the_demo_seeds_maison_lune_once():
    for _ in range(2):
        call_command("seed_demo", stdout=io.StringIO())
    brand = Brand.objects.get(name="Maison Lune")
    roles = dict(brand.members.values_list("user__username", "role"))
    assert roles == {"alice": "owner", "bob": "associate"}
    account = brand.accounts.get()
    assert account.articles.count() == 1
    assert brand.is_verified
