"""examples/coffee end to end against a real Plaza server (live_server) and the example's own
HTTP server: publish the bundle, open it, log in by code, read the granted profile, pre-order
and get the "order ready" subscribe message. (The pay-order step joins when payments lands.)"""

import threading

import pytest
import requests

from examples.coffee.build import build_bundle
from examples.coffee.server import CoffeeShop, PlazaClient, serve
from superapp.core.models import DomainEvent
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.factories import upload_file


@pytest.fixture
def published_coffee(transactional_db):
    """Corner Coffee registered, uploaded, reviewed and released through the API."""
    developer = consumer_client(UserFactory())
    registered = developer.post(
        "/api/v1/dev/miniprograms", {"name": "Corner Coffee"}, format="json"
    ).json()
    app_id = registered["app_id"]
    version = developer.post(
        f"/api/v1/dev/miniprograms/{app_id}/versions",
        {"version": "1.0.0", "bundle": upload_file(build_bundle())},
        format="multipart",
    ).json()
    developer.post(f"/api/v1/dev/miniprograms/{app_id}/versions/{version['id']}/submit")
    reviewer = consumer_client(UserFactory(is_staff=True))
    reviewer.post(f"/api/v1/review/versions/{version['id']}/approve")
    released = developer.post(f"/api/v1/dev/miniprograms/{app_id}/versions/{version['id']}/release")
    assert released.json()["status"] == "released"
    return app_id, registered["app_secret"]


@pytest.fixture
def coffee_server(live_server, published_coffee):
    app_id, secret = published_coffee
    server = serve(CoffeeShop(PlazaClient(live_server.url, app_id, secret)), port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_coffee_example_runs_end_to_end(live_server, published_coffee, coffee_server):
    app_id, _ = published_coffee
    bundle = requests.get(f"{live_server.url}/mp/{app_id}/pages/index.html", timeout=10)
    assert bundle.status_code == 200 and b"Corner Coffee" in bundle.content
    assert "sandbox" in bundle.headers["Content-Security-Policy"]
    assert requests.get(f"{live_server.url}/mp/{app_id}/plaza-sdk.js", timeout=10).ok

    customer = consumer_client(UserFactory(display_name="Mei"))
    customer.post(f"/api/v1/miniprograms/{app_id}/open", {"source": "qr"}, format="json")
    code = customer.post(
        f"/api/v1/miniprograms/{app_id}/login", {"scopes": ["profile"]}, format="json"
    ).json()["code"]

    session = requests.post(f"{coffee_server}/api/login", json={"code": code}, timeout=10).json()
    headers = {"X-Coffee-Session": session["session"]}
    me = requests.get(f"{coffee_server}/api/me", headers=headers, timeout=10).json()
    assert me["display_name"] == "Mei"
    assert "phone" not in me

    customer.post(f"/api/v1/miniprograms/{app_id}/subscriptions", {"templates": ["order_ready"]})
    order = requests.post(
        f"{coffee_server}/api/orders", json={"drink": "Flat white"}, headers=headers, timeout=10
    ).json()
    ready = requests.post(f"{coffee_server}/api/orders/{order['id']}/ready", timeout=10)
    assert ready.json() == {"id": order["id"], "status": "ready"}
    event = DomainEvent.objects.get(type="miniprograms.subscribe_message_sent")
    assert event.payload["user_id"] == customer.user.pk
    assert event.payload["data"] == {"drink": "Flat white", "pickup": "Counter 1"}

    second = requests.post(f"{coffee_server}/api/orders/{order['id']}/ready", timeout=10)
    assert second.status_code == 502
    assert second.json()["plaza"]["code"] == "no_subscription"
