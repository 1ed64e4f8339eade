"""Subscribe messages: one acceptance allows one message; the send is announced as a domain
event that messaging turns into a service notification."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from miniprograms import services
from miniprograms.models import SubscribeMessage
from superapp.core.models import DomainEvent
from superapp.messaging.models import Message
from tests.helpers import app_server_token, consumer_client
from tests.miniprograms.factories import (
    bundle_bytes,
    developer_app,
    manifest,
    released_app,
    upload_file,
)

pytestmark = pytest.mark.django_db
SEND = "/api/v1/mp/subscribe-messages"


def app_client(app, secret) -> APIClient:
    client = APIClient()
    token = app_server_token(app, secret, scope="subscribe_message")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def accept(consumer, app, *templates):
    response = consumer.post(
        f"/api/v1/miniprograms/{app.app_id}/subscriptions",
        {"templates": list(templates)},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response


@pytest.fixture
def setup(api):
    app, secret, _ = released_app(name="Coffee")
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    return app, app_client(app, secret), openid


def send(client, openid, template="order_ready", data=None):
    return client.post(
        SEND,
        {"openid": openid, "template": template, "data": data or {"drink": "Flat white"}},
        format="json",
    )


def test_one_acceptance_allows_exactly_one_message(api, setup):
    app, client, openid = setup
    accept(api, app, "order_ready")
    first = send(client, openid)
    assert first.status_code == 201, first.content
    second = send(client, openid)
    assert second.status_code == 403
    assert second.json()["code"] == "no_subscription"
    assert SubscribeMessage.objects.count() == 1


def test_sending_without_acceptance_is_403(setup):
    _, client, openid = setup
    response = send(client, openid)
    assert response.status_code == 403
    assert response.json()["code"] == "no_subscription"
    assert not DomainEvent.objects.filter(type="miniprograms.subscribe_message_sent").exists()


def test_acceptances_are_per_template_and_add_up(api, setup):
    app, client, openid = setup
    accept(api, app, "order_ready", "order_ready", "promo")
    assert send(client, openid, template="order_ready").status_code == 201
    assert send(client, openid, template="order_ready").status_code == 201
    assert send(client, openid, template="order_ready").status_code == 403
    assert send(client, openid, template="promo").status_code == 201


def test_a_send_records_the_domain_event_with_the_contract_payload(api, setup):
    app, client, openid = setup
    accept(api, app, "order_ready")
    message_id = send(client, openid, data={"drink": "Latte"}).json()["id"]
    event = DomainEvent.objects.get(type="miniprograms.subscribe_message_sent")
    assert event.payload == {
        "user_id": api.user.pk,
        "app_id": app.app_id,
        "app_name": "Coffee",
        "template": "order_ready",
        "data": {"drink": "Latte"},
        "message_id": message_id,
        "title": "Coffee",  # a template the manifest does not declare: the app's name
        "body": "drink: Latte",  # and the data, field by field
    }


def test_a_service_notification_shows_its_template_rendered_not_its_id(
    api, django_capture_on_commit_callbacks
):
    templates = {"order_ready": {"title": "Order ready", "body": "Your {drink} is at {pickup}."}}
    bundle = bundle_bytes(manifest(scopes=[], subscribe_templates=templates))
    app, secret, _ = released_app(name="Coffee", bundle=bundle)
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    accept(api, app, "order_ready")

    with django_capture_on_commit_callbacks(execute=True):
        sent = send(
            app_client(app, secret), openid, data={"drink": "Flat white", "pickup": "Counter 1"}
        )

    assert sent.status_code == 201, sent.content
    notification = Message.objects.get(conversation__kind="service")
    assert (notification.payload["title"], notification.payload["body"]) == (
        "Order ready",
        "Your Flat white is at Counter 1.",
    )


def test_a_manifest_with_malformed_templates_is_refused(api):
    app, _, owner = developer_app()
    bad = bundle_bytes(manifest(scopes=[], subscribe_templates={"order_ready": {"title": ""}}))
    response = consumer_client(owner).post(
        f"/api/v1/dev/miniprograms/{app.app_id}/versions",
        {"version": "1.0.0", "bundle": upload_file(bad)},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_manifest")
    assert list(response.json()["fields"]) == ["subscribe_templates"]


def test_sending_needs_the_subscribe_message_scope(api):
    app, secret, _ = released_app()
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    accept(api, app, "t")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {app_server_token(app, secret, scope='pay')}")
    assert send(client, openid, template="t").status_code == 403


def test_apps_without_the_scope_cannot_ask_for_subscriptions(api):
    app, _, _ = released_app(scopes=["profile"])
    response = api.post(
        f"/api/v1/miniprograms/{app.app_id}/subscriptions", {"templates": ["t"]}, format="json"
    )
    assert response.status_code == 403


def test_the_daily_quota_is_enforced(api, setup, settings):
    settings.MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY = 1
    app, client, openid = setup
    accept(api, app, "order_ready", "order_ready")
    assert send(client, openid).status_code == 201
    assert send(client, openid).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_spend_one_acceptance_once(api):
    app, secret, _ = released_app()
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    accept(api, app, "order_ready")
    client = app_client(app, secret)
    statuses = []
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            statuses.append(send(client, openid).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 403, 403, 403]
    assert SubscribeMessage.objects.count() == 1
    assert DomainEvent.objects.filter(type="miniprograms.subscribe_message_sent").count() == 1
