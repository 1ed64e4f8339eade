"""Subscribe messages: one acceptance allows one message; the send is announced as a domain
event that messaging turns into a service notification."""

import pytest
from rest_framework.test import APIClient

from miniprograms import services
from miniprograms.models import SubscribeAcceptance, SubscribeMessage
from superapp.core.models import DomainEvent
from superapp.messaging.models import Message
from tests.helpers import app_server_token, consumer_client, run_together
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


def accept(consumer, app, *templates, always=()):
    response = consumer.post(
        f"/api/v1/miniprograms/{app.app_id}/subscriptions",
        {"templates": list(templates), "always": list(always)},
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
    statuses = [r.status_code for r in run_together([lambda: send(client, openid)] * 4)]
    assert sorted(statuses) == [201, 403, 403, 403]
    assert SubscribeMessage.objects.count() == 1
    assert DomainEvent.objects.filter(type="miniprograms.subscribe_message_sent").count() == 1


# --- "Always": a standing acceptance ------------------------------------------------------------


def test_once_refuses_a_second_send_and_always_allows_it(api, setup):
    app, client, openid = setup
    accept(api, app, "order_ready")
    assert send(client, openid, template="order_ready").status_code == 201
    assert send(client, openid, template="order_ready").json()["code"] == "no_subscription"

    accept(api, app, always=["order_ready"])
    assert [send(client, openid).status_code for _ in range(3)] == [201, 201, 201]
    assert SubscribeMessage.objects.filter(once=False).count() == 3


def test_the_accept_answer_says_which_templates_are_always(api, setup):
    app, _, _ = setup
    response = accept(api, app, "promo", always=["order_ready"])
    assert response.json() == {"accepted": ["promo", "order_ready"], "always": ["order_ready"]}


def test_accepting_nothing_is_400_and_writes_nothing(api, setup):
    app, _, _ = setup
    response = api.post(
        f"/api/v1/miniprograms/{app.app_id}/subscriptions",
        {"templates": [], "always": []},
        format="json",
    )
    assert response.status_code == 400
    assert not SubscribeAcceptance.objects.exists()


def test_accepting_always_twice_keeps_one_standing_acceptance(api, setup):
    app, _, _ = setup
    accept(api, app, always=["order_ready"])
    accept(api, app, "order_ready", always=["order_ready"])
    assert SubscribeAcceptance.objects.filter(mode="always").count() == 1
    assert not SubscribeAcceptance.objects.filter(mode="once").exists()


def test_a_standing_acceptance_does_not_spend_one_time_acceptances(api, setup):
    app, client, openid = setup
    accept(api, app, "order_ready", always=["order_ready"])
    assert send(client, openid).status_code == 201
    api.delete(f"/api/v1/me/miniprogram-subscriptions/{app.app_id}/order_ready")
    assert send(client, openid).status_code == 201  # the one-time acceptance is still there
    assert send(client, openid).status_code == 403


def test_the_person_lists_and_turns_off_always_subscriptions(api, setup):
    app, client, openid = setup
    accept(api, app, "promo", always=["order_ready"])
    listed = api.get("/api/v1/me/miniprogram-subscriptions")
    assert listed.status_code == 200
    assert [(row["app_id"], row["template"], row["title"]) for row in listed.json()] == [
        (app.app_id, "order_ready", "order_ready")  # not in the manifest: the id; once: not listed
    ]

    assert (
        api.delete(f"/api/v1/me/miniprogram-subscriptions/{app.app_id}/order_ready").status_code
        == 204
    )
    assert api.get("/api/v1/me/miniprogram-subscriptions").json() == []
    refused = send(client, openid)
    assert (refused.status_code, refused.json()["code"]) == (403, "no_subscription")
    again = api.delete(f"/api/v1/me/miniprogram-subscriptions/{app.app_id}/order_ready")
    assert (again.status_code, again.json()["code"]) == (404, "subscription_not_found")


def test_the_list_shows_template_titles_and_filters_by_app(api):
    templates = {"order_ready": {"title": "Order ready", "body": "Your {drink}."}}
    coffee, _, _ = released_app(
        name="Coffee", bundle=bundle_bytes(manifest(scopes=[], subscribe_templates=templates))
    )
    tea, _, _ = released_app(name="Tea")
    accept(api, coffee, always=["order_ready"])
    accept(api, tea, always=["steeped"])
    rows = api.get("/api/v1/me/miniprogram-subscriptions", {"app_id": coffee.app_id}).json()
    assert [(row["app_name"], row["title"]) for row in rows] == [("Coffee", "Order ready")]


def test_listing_subscriptions_takes_the_same_queries_for_many_apps(
    api, django_assert_max_num_queries
):
    for name in ("A", "B", "C", "D"):
        app, _, _ = released_app(name=name)
        accept(api, app, always=["order_ready", "promo"])
    with django_assert_max_num_queries(4):  # the session, the acceptances, the manifests
        rows = api.get("/api/v1/me/miniprogram-subscriptions").json()
    assert len(rows) == 8


def test_another_persons_subscription_cannot_be_turned_off(api, setup, other_user):
    app, client, openid = setup
    accept(api, app, always=["order_ready"])
    other = consumer_client(other_user)
    response = other.delete(f"/api/v1/me/miniprogram-subscriptions/{app.app_id}/order_ready")
    assert response.status_code == 404
    assert send(client, openid).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_under_always_all_deliver(api):
    app, secret, _ = released_app()
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    accept(api, app, always=["order_ready"])
    client = app_client(app, secret)
    statuses = [r.status_code for r in run_together([lambda: send(client, openid)] * 3)]
    assert statuses == [201, 201, 201]
    assert SubscribeMessage.objects.count() == 3
