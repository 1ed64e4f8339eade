"""What the app's mini-program host reads: the launch answer (scopes the app may use, its
developer, test money, subscribe templates) and the person's "recently used" list."""

import pytest

from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.factories import bundle_bytes, manifest, released_app

pytestmark = pytest.mark.django_db

TEMPLATES = {"order_ready": {"title": "Your coffee is ready", "body": "Your {drink} is ready."}}


def test_the_launch_answer_tells_the_host_what_the_app_may_ask():
    app, _secret, _owner = released_app(
        name="Tea",
        scopes=["profile", "pay", "subscribe_message"],
        bundle=bundle_bytes(manifest(scopes=["profile", "pay"], subscribe_templates=TEMPLATES)),
    )
    person = consumer_client(UserFactory())
    answer = person.post(
        f"/api/v1/miniprograms/{app.app_id}/open", {"source": "chat_card"}, format="json"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["developer"] == "Tea Ltd"
    assert body["scopes"] == ["pay", "profile", "subscribe_message"]
    assert body["sandbox"] is False
    assert body["subscribe_templates"] == [{"id": "order_ready", "title": "Your coffee is ready"}]


def test_recently_used_lists_the_apps_a_person_opened_latest_first_once_each():
    tea, _, _ = released_app(name="Tea")
    cake, _, _ = released_app(name="Cake")
    person, stranger = consumer_client(UserFactory()), consumer_client(UserFactory())
    for app in (tea, cake, tea):
        opened = person.post(f"/api/v1/miniprograms/{app.app_id}/open", {"source": "search"})
        assert opened.status_code == 200
    stranger.post(f"/api/v1/miniprograms/{cake.app_id}/open", {"source": "qr"})

    recent = person.get("/api/v1/me/miniprograms/recent").json()
    assert [(row["app_id"], row["name"]) for row in recent] == [
        (tea.app_id, "Tea"),
        (cake.app_id, "Cake"),
    ]
    assert [r["app_id"] for r in stranger.get("/api/v1/me/miniprograms/recent").json()] == [
        cake.app_id
    ]
