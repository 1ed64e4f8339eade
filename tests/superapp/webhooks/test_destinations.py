"""Outgoing webhooks never reach Plaza's own network (superapp/webhooks/destinations.py): the
host is resolved once, checked, and the connection goes to the checked address."""

import socket

import pytest
from django.db import transaction

from superapp.webhooks import destinations, services
from superapp.webhooks.models import WebhookDelivery
from tests.helpers import Receiver

PUBLIC = "93.184.216.34"


@pytest.fixture
def guarded(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False


def enqueue(url) -> WebhookDelivery:
    """A delivery committed, so its first attempt runs now (tests run tasks eagerly)."""
    with transaction.atomic():
        return services.webhook_enqueue(
            owner="brand:1", url=url, secret="s", event_type="test.ping", data={}
        )


def post(url):
    return destinations.post(url, data=b"{}", headers={}, timeout=2)


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
def test_private_addresses_and_other_schemes_are_refused_before_connecting(guarded, url):
    with pytest.raises(destinations.ForbiddenDestination):
        post(url)


@pytest.mark.parametrize(("host", "port"), [(PUBLIC, 443), ("2606:4700:4700::1111", 8443)])
def test_public_addresses_pass(guarded, host, port):
    assert destinations.checked_addresses(host, port) == [host]


def test_development_may_allow_private_networks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert destinations.checked_addresses("127.0.0.1", 8000) == ["127.0.0.1"]


class RebindingResolver:
    """A DNS server that answers a public address first and 127.0.0.1 afterwards."""

    def __init__(self, host: str):
        self.host, self.questions = host, 0
        self.real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host != self.host:
            return self.real(host, port, *args, **kwargs)
        self.questions += 1
        address = PUBLIC if self.questions == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


@pytest.mark.django_db(transaction=True)
def test_dns_rebinding_cannot_steer_a_delivery_to_localhost(guarded, monkeypatch):
    resolver = RebindingResolver("rebind.example")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    connected = []

    def connect(address, *args, **kwargs):  # the checked public address: unreachable here
        connected.append(address)
        raise ConnectionRefusedError("no route in the test")

    monkeypatch.setattr(destinations.connection, "create_connection", connect)
    with Receiver() as receiver:
        url = f"http://rebind.example:{receiver.server.server_port}/hook"
        delivery = enqueue(url)
        assert receiver.requests == []
    assert resolver.questions == 1  # resolved once, at connect time
    assert connected == [(PUBLIC, receiver.server.server_port)]
    (attempt,) = WebhookDelivery.objects.get(pk=delivery.pk).log.all()
    assert attempt.status_code is None and "ConnectionError" in attempt.error


@pytest.mark.django_db(transaction=True)
def test_a_name_that_resolves_to_localhost_is_refused_and_logged_without_a_request(
    guarded, monkeypatch
):
    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with Receiver() as receiver:
        url = f"http://inside.example:{receiver.server.server_port}/hook"
        delivery = enqueue(url)
        assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(pk=delivery.pk)
    assert delivery.status == "pending"  # retried with backoff until it expires, like a failure
    (attempt,) = delivery.log.all()
    assert attempt.error == "refused destination: inside.example resolves to non-public 127.0.0.1"


@pytest.mark.django_db(transaction=True)
def test_a_delivery_to_localhost_is_refused_and_logged_without_a_request(guarded):
    with Receiver() as receiver:
        delivery = enqueue(receiver.url)
        delivery = WebhookDelivery.objects.get(pk=delivery.pk)
        assert receiver.requests == []
    assert delivery.status == "pending"
    (attempt,) = delivery.log.all()
    assert attempt.status_code is None
    assert attempt.error.startswith("refused destination: 127.0.0.1 resolves to non-public")


def test_environment_proxies_are_not_used(guarded, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    with pytest.raises(destinations.ForbiddenDestination, match="non-public"):
        post("http://localhost/notify")  # checked as itself, not handed to the proxy
