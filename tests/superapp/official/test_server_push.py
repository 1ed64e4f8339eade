"""Brand developer server push: signed deliveries through the webhook outbox, retried with
backoff, logged, visible to the brand and re-sendable."""

import json

import pytest
from django.conf import settings
from django.utils import timezone

from superapp.core import signing
from superapp.official import services
from superapp.webhooks.models import WebhookDelivery
from superapp.webhooks.tasks import dispatch_due
from tests.factories import UserFactory
from tests.helpers import Receiver, assert_refused, consumer_client
from tests.superapp.official.factories import StaffUserFactory, official_account

pytestmark = pytest.mark.django_db


def register(account, url, staff=None):
    return consumer_client(staff or account.brand.admin).put(
        f"/api/v1/brands/{account.brand.pk}/callback", {"url": url}
    )


def follow(account, user):
    consumer_client(user).post(f"/api/v1/official-accounts/{account.pk}/follow")


def make_retries_due():
    """What time does for beat: the backoff has elapsed."""
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())


def test_only_verified_brands_register_a_callback():
    unverified = official_account(verified=False)
    refused = register(unverified, "https://brand.example/hook")
    assert_refused(refused, 422, "brand_not_verified")


def test_managers_register_a_callback_and_get_a_secret_once():
    account = official_account()
    assert register(account, "https://x.example/h", account.brand.associate).status_code == 403
    response = register(account, "https://brand.example/hook")
    assert response.status_code == 200
    assert response.json()["url"] == "https://brand.example/hook"
    assert response.json()["secret"].startswith("whsec_")
    entry = account.brand.audit_log.get(action="callback.set")
    assert response.json()["secret"] not in json.dumps(entry.details)
    removed = consumer_client(account.brand.owner).delete(
        f"/api/v1/brands/{account.brand.pk}/callback"
    )
    assert removed.status_code == 204


def test_follow_events_and_messages_are_delivered_signed(django_capture_on_commit_callbacks):
    account = official_account()
    fan = UserFactory()
    with Receiver() as receiver:
        secret = register(account, receiver.url).json()["secret"]
        with django_capture_on_commit_callbacks(execute=True):
            follow(account, fan)
        with django_capture_on_commit_callbacks(execute=True):
            consumer_client(fan).post(
                f"/api/v1/official-accounts/{account.pk}/messages", {"text": "Bonjour"}
            )
        with django_capture_on_commit_callbacks(execute=True):
            consumer_client(fan).delete(f"/api/v1/official-accounts/{account.pk}/follow")
    for request in receiver.requests:
        signing.verify(
            secret,
            request["headers"]["Plaza-Signature"],
            request["body"],
            tolerance=settings.WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
        )
    bodies = receiver.json_bodies()
    assert [b["type"] for b in bodies] == [
        "official.account_followed",
        "official.follower_message",
        "official.account_unfollowed",
    ]
    assert bodies[1]["data"]["text"] == "Bonjour"
    # The brand's server knows the follower by unionid, never by their Plaza user id.
    unionid = bodies[0]["data"]["unionid"]
    assert bodies[0]["data"] == {"account_id": account.pk, "unionid": unionid}
    assert unionid.startswith("u_")
    assert all("user_id" not in b["data"] for b in bodies)


def test_a_tampered_body_fails_verification(django_capture_on_commit_callbacks):
    account = official_account()
    with Receiver() as receiver:
        secret = register(account, receiver.url).json()["secret"]
        with django_capture_on_commit_callbacks(execute=True):
            follow(account, UserFactory())
    (request,) = receiver.requests
    with pytest.raises(signing.SignatureError):
        signing.verify(
            secret,
            request["headers"]["Plaza-Signature"],
            request["body"].replace(b"followed", b"unfollowed"),
            tolerance=settings.WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
        )


def test_a_delivery_failing_three_times_then_succeeds_is_logged(django_capture_on_commit_callbacks):
    account = official_account()
    with Receiver(responses=[500, 503, 500]) as receiver:
        register(account, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            follow(account, UserFactory())
        delivery = WebhookDelivery.objects.get(owner=f"brand:{account.brand.pk}")
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.next_attempt_at > timezone.now()  # backing off
        for _ in range(3):
            make_retries_due()
            dispatch_due()
    log = consumer_client(account.brand.admin).get(
        f"/api/v1/brands/{account.brand.pk}/webhook-deliveries"
    )
    (entry,) = log.json()["results"]
    assert entry["status"] == "delivered"
    assert [a["status_code"] for a in entry["log"]] == [500, 503, 500, 200]
    assert len(receiver.requests) == 4
    assert len({r["headers"]["Plaza-Delivery"] for r in receiver.requests}) == 1


def test_a_receiver_down_for_an_hour_gets_everything_when_back(django_capture_on_commit_callbacks):
    account = official_account()
    fans = UserFactory.create_batch(3)
    with Receiver(responses=[503] * 3) as receiver:  # down: every event's first attempt fails
        register(account, receiver.url)
        for fan in fans:
            with django_capture_on_commit_callbacks(execute=True):
                follow(account, fan)
        assert WebhookDelivery.objects.filter(status="pending").count() == 3
        make_retries_due()  # an hour later, beat sweeps the due retries
        dispatch_due()
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
    delivered = receiver.json_bodies()[3:]
    assert {b["type"] for b in delivered} == {"official.account_followed"}
    assert len({b["id"] for b in delivered}) == 3


def test_a_brand_resends_a_delivery_by_hand(django_capture_on_commit_callbacks):
    account = official_account()
    with Receiver() as receiver:
        register(account, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            follow(account, UserFactory())
        delivery = WebhookDelivery.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            response = consumer_client(account.brand.owner).post(
                f"/api/v1/brands/{account.brand.pk}/webhook-deliveries/{delivery.pk}/resend"
            )
    assert response.status_code == 202
    assert len(receiver.requests) == 2
    assert receiver.json_bodies()[0] == receiver.json_bodies()[1]
    assert account.brand.audit_log.filter(action="delivery.resent").exists()


def test_other_brands_neither_see_nor_resend_the_deliveries():
    account, rival = official_account(), official_account()
    register(account, "https://brand.example/hook")
    follow(account, UserFactory())
    delivery = WebhookDelivery.objects.get()
    client = consumer_client(rival.brand.owner)
    resend = client.post(f"/api/v1/brands/{rival.brand.pk}/webhook-deliveries/{delivery.pk}/resend")
    assert_refused(resend, 404, "delivery_not_found")
    listed = client.get(f"/api/v1/brands/{rival.brand.pk}/webhook-deliveries")
    assert listed.json()["results"] == []


def test_no_callback_no_delivery():
    account = official_account()
    follow(account, UserFactory())
    assert not WebhookDelivery.objects.exists()


def test_a_brand_whose_verification_is_revoked_gets_no_more_pushes():
    account = official_account()
    register(account, "https://brand.example/hook")
    services.brand_verification_revoke(actor=StaffUserFactory(), brand=account.brand)
    follow(account, UserFactory())
    assert not WebhookDelivery.objects.exists()
