"""The webhook outbox: signed, delivered after commit, retried with backoff, logged, re-sendable."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from superapp.core import signing
from superapp.webhooks import services
from superapp.webhooks.models import WebhookDelivery
from superapp.webhooks.selectors import deliveries_for_owner
from tests.helpers import Receiver, assert_queries_constant

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "whsec-test"


def enqueue(url: str, **data) -> WebhookDelivery:
    with transaction.atomic():
        return services.webhook_enqueue(
            owner="brand:1", url=url, secret=SECRET, event_type="test.ping", data=data
        )


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_delivery_after_commit_is_signed_and_verifiable():
    with Receiver() as receiver:
        delivery = enqueue(receiver.url, order=42)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    (request,) = receiver.requests
    header = request["headers"][signing.SIGNATURE_HEADER]
    signing.verify(SECRET, header, request["body"], tolerance=300)
    body = json.loads(request["body"])
    assert body["type"] == "test.ping"
    assert body["data"] == {"order": 42}
    assert body["id"] == request["headers"]["Plaza-Delivery"] == str(delivery.event_id)


def test_rolled_back_change_sends_nothing():
    with Receiver() as receiver, pytest.raises(ValueError), transaction.atomic():
        services.webhook_enqueue(
            owner="brand:1", url=receiver.url, secret=SECRET, event_type="x", data={}
        )
        raise ValueError
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_delivery_failing_three_times_then_succeeding_is_retried_with_backoff():
    with Receiver(responses=[500, 503, 502]) as receiver:
        delivery = enqueue(receiver.url)
        delays = []
        for _ in range(3):
            delivery.refresh_from_db()
            delays.append((delivery.next_attempt_at - timezone.now()).total_seconds())
            make_due(delivery)
            services.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert [a.status_code for a in delivery.log.all()] == [500, 503, 502, 200]
    assert delays[0] < delays[1] < delays[2]
    assert len({json.loads(r["body"])["id"] for r in receiver.requests}) == 1


@pytest.mark.parametrize("refusal", [400, 401, 404, 410, 422])
def test_a_receiver_that_refuses_with_a_4xx_is_not_asked_again(refusal):
    with Receiver(responses=[refusal]) as receiver:
        delivery = enqueue(receiver.url)
        make_due(delivery)
        assert services.webhook_attempt(delivery_id=delivery.pk) is None  # failed: never due
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("failed", 1, 1)
    assert [a.status_code for a in delivery.log.all()] == [refusal]


@pytest.mark.parametrize("busy", [408, 429])
def test_a_receiver_that_is_busy_with_408_or_429_is_retried(busy):
    with Receiver(responses=[busy]) as receiver:
        delivery = enqueue(receiver.url)
        make_due(delivery)
        services.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert [a.status_code for a in delivery.log.all()] == [busy, 200]


def test_a_refused_delivery_can_still_be_resent_by_hand():
    with Receiver(responses=[404]) as receiver:
        delivery = enqueue(receiver.url)
        services.webhook_resend(delivery=WebhookDelivery.objects.get(pk=delivery.pk))
    delivery.refresh_from_db()
    assert (delivery.status, len(receiver.requests)) == ("delivered", 2)


def test_a_delivery_that_is_not_due_is_not_sent_twice():
    with Receiver(responses=[500]) as receiver:
        delivery = enqueue(receiver.url)
        assert services.webhook_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 1


def test_unreachable_receiver_is_logged_and_given_up_after_max_age():
    delivery = enqueue("http://127.0.0.1:9/unreachable")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1), next_attempt_at=timezone.now()
    )
    services.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert all(attempt.error for attempt in delivery.log.all())


def test_receiver_down_then_back_gets_everything_via_the_beat_sweep(settings):
    receiver = Receiver(responses=[503, 503])
    with receiver:
        first, second = enqueue(receiver.url, n=1), enqueue(receiver.url, n=2)
        for delivery in (first, second):
            make_due(delivery)
        from superapp.webhooks.tasks import dispatch_due

        assert dispatch_due() == 2
    assert sorted(b["data"]["n"] for b in receiver.json_bodies()) == [1, 1, 2, 2]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_manual_resend_delivers_again():
    with Receiver() as receiver:
        delivery = enqueue(receiver.url)
        services.webhook_resend(delivery=delivery)
    assert len(receiver.requests) == 2
    assert delivery.log.count() == 2


def test_delivery_log_reads_without_n_plus_one():
    def build(n):
        for _ in range(n):
            enqueue("http://127.0.0.1:9/x")

    def read():
        for delivery in deliveries_for_owner("brand:1"):
            list(delivery.log.all())

    assert_queries_constant(build, read)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: (h, b + b"x"),
        lambda h, b: (h.replace("v1=", "v1=0"), b),
        lambda h, b: ("garbage", b),
    ],
)
def test_signature_verification_refuses_tampering(tamper):
    body = b'{"a":1}'
    header, body = tamper(signing.sign(SECRET, body), body)
    with pytest.raises(signing.SignatureError):
        signing.verify(SECRET, header, body, tolerance=300)


def test_signature_verification_refuses_a_stale_timestamp():
    body = b"{}"
    header = signing.sign(SECRET, body, timestamp=1_000_000)
    with pytest.raises(signing.SignatureError, match="tolerance"):
        signing.verify(SECRET, header, body, tolerance=300, now=1_000_301)
    assert signing.verify(SECRET, header, body, tolerance=300, now=1_000_299) == 1_000_000


def test_each_due_delivery_is_leased_to_one_job_and_a_stale_lease_sends_nothing():
    with Receiver() as receiver:
        deliveries = [enqueue(receiver.url, n=n) for n in range(3)]
        receiver.requests.clear()
        WebhookDelivery.objects.update(  # pending again, as if their first jobs were lost
            status="pending", delivered_at=None, next_attempt_at=timezone.now()
        )
        leased = services.deliveries_lease()
        assert sorted(pk for pk, _ in leased) == sorted(d.pk for d in deliveries)
        assert services.deliveries_lease() == []  # leased: due for nobody else
        pk, lease = leased[0]
        assert services.webhook_attempt(delivery_id=pk, lease=lease).status == "delivered"
        assert services.webhook_attempt(delivery_id=pk, lease=lease) is None  # done
        other_pk, other_lease = leased[1]
        make_due(WebhookDelivery(pk=other_pk))  # the lease ran out: the row is due again
        assert [p for p, _ in services.deliveries_lease()] == [other_pk]  # leased anew
        assert services.webhook_attempt(delivery_id=other_pk, lease=other_lease) is None
    assert len(receiver.requests) == 1
