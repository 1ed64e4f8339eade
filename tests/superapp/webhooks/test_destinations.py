"""Outgoing webhooks never reach Plaza's own network (superapp/webhooks/destinations.py)."""

import pytest
from django.db import transaction

from superapp.webhooks import destinations, services
from superapp.webhooks.models import WebhookDelivery
from tests.helpers import Receiver


@pytest.fixture
def guarded(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost/notify",
        "http://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "ftp://93.184.216.34/file",
        "notify",
    ],
)
def test_private_addresses_and_other_schemes_are_refused(guarded, url):
    with pytest.raises(destinations.ForbiddenDestination):
        destinations.check(url)


@pytest.mark.parametrize(
    "url", ["https://93.184.216.34/notify", "http://[2606:4700:4700::1111]:8443/hook"]
)
def test_public_addresses_pass(guarded, url):
    destinations.check(url)  # no exception


def test_a_name_that_does_not_resolve_passes_to_fail_like_any_unreachable_host(guarded):
    destinations.check("https://no-such-host.invalid/notify")


def test_development_may_allow_private_networks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    destinations.check("http://127.0.0.1:8000/notify")


@pytest.mark.django_db(transaction=True)
def test_a_delivery_to_localhost_is_refused_and_logged_without_a_request(guarded):
    with Receiver() as receiver:
        with transaction.atomic():
            delivery = services.webhook_enqueue(
                owner="brand:1", url=receiver.url, secret="s", event_type="test.ping", data={}
            )
        delivery = WebhookDelivery.objects.get(pk=delivery.pk)
        assert receiver.requests == []
    assert delivery.status == "pending"  # retried with backoff until it expires, like a failure
    (attempt,) = delivery.log.all()
    assert attempt.status_code is None
    assert attempt.error.startswith("refused destination: 127.0.0.1 resolves to non-public")
