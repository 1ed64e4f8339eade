"""The developer side: organisations and roles, registration and secrets, quotas, webhook log
and replay, share links and QR codes, entry analytics."""

from urllib.parse import urlencode

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from miniprograms import services
from superapp.webhooks.services import webhook_enqueue
from tests.factories import UserFactory
from tests.helpers import (
    Receiver,
    app_server_token,
    assert_queries_constant,
    basic_auth,
    join_team,
)
from tests.miniprograms.factories import bundle_bytes, developer_app, released_app, upload_file

pytestmark = pytest.mark.django_db


def token_status(app_id: str, secret: str) -> int:
    return (
        APIClient()
        .post(
            "/o/token/",
            urlencode({"grant_type": "client_credentials", "scope": "profile"}),
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=basic_auth(app_id, secret),
        )
        .status_code
    )


def test_registering_shows_the_secret_once_and_it_works(api):
    response = api.post("/api/v1/dev/miniprograms", {"name": "Coffee"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["app_id"].startswith("mp") and body["app_secret"]
    assert set(body["scopes"]) == {
        "profile",
        "phone",
        "address",
        "pay",
        "subscribe_message",
        "loyalty",
        "shop",
    }
    assert token_status(body["app_id"], body["app_secret"]) == 200
    listed = api.get("/api/v1/dev/miniprograms").json()["results"]
    assert [a["app_id"] for a in listed] == [body["app_id"]]
    assert "app_secret" not in listed[0]
    assert "app_secret" not in api.get(f"/api/v1/dev/miniprograms/{body['app_id']}").json()


def test_rotating_the_secret_retires_the_old_one(api):
    body = api.post("/api/v1/dev/miniprograms", {"name": "Coffee"}, format="json").json()
    rotated = api.post(f"/api/v1/dev/miniprograms/{body['app_id']}/secret").json()
    assert rotated["app_secret"] != body["app_secret"]
    assert token_status(body["app_id"], body["app_secret"]) == 401
    assert token_status(body["app_id"], rotated["app_secret"]) == 200
    for secret, status in [(body["app_secret"], 401), (rotated["app_secret"], 400)]:
        response = APIClient().post(
            "/api/v1/mp/code2session",
            {"code": "unknown"},
            format="json",
            HTTP_AUTHORIZATION=basic_auth(body["app_id"], secret),
        )
        assert response.status_code == status


def test_registering_into_an_organisation_needs_a_managing_role(api, client_for):
    organisation = api.post("/api/v1/dev/organisations", {"name": "Beans"}, format="json").json()
    developer, stranger = UserFactory(), UserFactory()
    join_team(
        api.user, kind="organisation", team_id=organisation["id"], user=developer, role="developer"
    )
    body = {"name": "Coffee", "organisation": organisation["id"]}
    as_developer = client_for(developer).post("/api/v1/dev/miniprograms", body, format="json")
    assert as_developer.status_code == 403
    assert as_developer.json()["code"] == "insufficient_role"
    as_stranger = client_for(stranger).post("/api/v1/dev/miniprograms", body, format="json")
    assert as_stranger.status_code == 404
    assert api.post("/api/v1/dev/miniprograms", body, format="json").status_code == 201


def test_members_are_listed_and_removed_but_the_owner_stays(api, client_for):
    organisation = api.post("/api/v1/dev/organisations", {"name": "Beans"}, format="json").json()
    url = f"/api/v1/dev/organisations/{organisation['id']}/members"
    admin = UserFactory()
    join_team(api.user, kind="organisation", team_id=organisation["id"], user=admin, role="admin")
    members = api.get(url).json()["results"]
    assert {(m["username"], m["role"]) for m in members} == {
        (api.user.username, "owner"),
        (admin.username, "admin"),
    }
    owner_id = next(m["id"] for m in members if m["role"] == "owner")
    admin_id = next(m["id"] for m in members if m["role"] == "admin")
    assert client_for(admin).delete(f"{url}/{owner_id}").json()["code"] == "owner_not_removable"
    assert api.delete(f"{url}/{admin_id}").status_code == 204


def test_removing_a_member_by_membership_id_is_in_the_teams_audit_log(api, client_for):
    organisation = api.post("/api/v1/dev/organisations", {"name": "Beans"}, format="json").json()
    url = f"/api/v1/dev/organisations/{organisation['id']}/members"
    admin, developer = UserFactory(), UserFactory()
    team = {"kind": "organisation", "team_id": organisation["id"]}
    join_team(api.user, **team, user=admin, role="admin")
    join_team(api.user, **team, user=developer, role="developer")
    developer_id = next(
        m["id"] for m in api.get(url).json()["results"] if m["username"] == developer.username
    )
    assert client_for(admin).delete(f"{url}/{developer_id}").status_code == 204
    log = api.get(f"/api/v1/teams/organisation/{organisation['id']}/audit-log").json()
    latest = log["results"][0]
    assert (latest["actor"], latest["action"], latest["target"]) == (
        admin.username,
        "member.removed",
        developer.username,
    )
    assert latest["details"] == {"role": "developer"}


def test_members_are_invited_not_added(api):
    organisation = api.post("/api/v1/dev/organisations", {"name": "Beans"}, format="json").json()
    url = f"/api/v1/dev/organisations/{organisation['id']}/members"
    other = UserFactory()
    refused = api.post(url, {"username": other.username, "role": "developer"}, format="json")
    assert refused.status_code == 405


def test_quotas_show_the_rate_limit_counters(api, client_for):
    app, secret, owner = released_app()
    openid = services.identity_for(miniprogram=app, user=api.user).openid
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {app_server_token(app, secret)}")
    client.get(f"/api/v1/mp/users/{openid}")
    client.get(f"/api/v1/mp/users/{openid}")
    quotas = client_for(owner).get(f"/api/v1/dev/miniprograms/{app.app_id}/quotas").json()
    used = {q["name"]: q["used"] for q in quotas["results"]}
    assert used == {"code2session": 0, "subscribe_message": 0, "user_api": 2}


@pytest.mark.django_db(transaction=True)
def test_the_webhook_log_lists_attempts_and_replays_a_delivery(client_for):
    app, _, owner = developer_app()
    with Receiver(responses=[500]) as receiver:
        with transaction.atomic():
            webhook_enqueue(
                owner=f"app:{app.app_id}",
                url=receiver.url,
                secret="s",
                event_type="payorder.paid",
                data={"prepay_id": "p1"},
            )
        developer = client_for(owner)
        log = developer.get(f"/api/v1/dev/miniprograms/{app.app_id}/webhooks").json()["results"]
        assert len(log) == 1 and log[0]["status"] == "pending"
        assert [a["status_code"] for a in log[0]["log"]] == [500]
        replay = developer.post(
            f"/api/v1/dev/miniprograms/{app.app_id}/webhooks/{log[0]['id']}/replay"
        )
        assert replay.status_code == 202
        log = developer.get(f"/api/v1/dev/miniprograms/{app.app_id}/webhooks").json()["results"]
        assert log[0]["status"] == "delivered"
        assert [a["status_code"] for a in log[0]["log"]] == [500, 200]
        assert len(receiver.requests) == 2


def test_another_apps_deliveries_are_invisible(client_for):
    app_a, _, owner_a = developer_app()
    app_b, _, _ = developer_app()
    delivery = webhook_enqueue(
        owner=f"app:{app_b.app_id}", url="http://127.0.0.1:9/x", secret="s", event_type="e", data={}
    )
    client = client_for(owner_a)
    assert client.get(f"/api/v1/dev/miniprograms/{app_a.app_id}/webhooks").json()["results"] == []
    replay = client.post(f"/api/v1/dev/miniprograms/{app_a.app_id}/webhooks/{delivery.pk}/replay")
    assert replay.status_code == 404


def test_scene_links_carry_at_most_32_characters_and_a_qr_code(client_for):
    app, _, owner = released_app()
    client = client_for(owner)
    url = f"/api/v1/dev/miniprograms/{app.app_id}/links"
    made = client.post(url, {"path": "pages/order", "scene": "table=12"}, format="json")
    assert made.status_code == 201
    assert made.json()["kind"] == "qr"
    assert "scene=table%3D12" in made.json()["url"]
    assert made.json()["qr_svg"].startswith("data:image/svg+xml")
    too_long = client.post(url, {"path": "pages/order", "scene": "x" * 33}, format="json")
    assert too_long.status_code == 400
    assert "scene" in too_long.json()["fields"]


def test_long_links_resolve_to_page_and_query(client_for, api):
    app, _, owner = released_app()
    query = "campaign=" + "x" * 200
    made = (
        client_for(owner)
        .post(
            f"/api/v1/dev/miniprograms/{app.app_id}/links",
            {"path": "pages/order", "query": query},
            format="json",
        )
        .json()
    )
    assert made["kind"] == "long"
    code = made["url"].rsplit("/", 1)[1]
    resolved = api.get(f"/api/v1/miniprogram-links/{code}").json()
    assert resolved == {"app_id": app.app_id, "path": "pages/order", "query": query}
    assert api.get("/api/v1/miniprogram-links/nope").status_code == 404


def test_entry_analytics_count_openings_per_source(client_for, user, other_user):
    app, _, owner = released_app()
    for consumer, source in [(user, "qr"), (other_user, "qr"), (user, "chat_card")]:
        opened = client_for(consumer).post(
            f"/api/v1/miniprograms/{app.app_id}/open",
            {"source": source, "scene": "table=1"},
            format="json",
        )
        assert opened.status_code == 200
        assert opened.json()["entry_page"] == "pages/index"
    stats = client_for(owner).get(f"/api/v1/dev/miniprograms/{app.app_id}/analytics/entries")
    by_source = {row["source"]: (row["visits"], row["users"]) for row in stats.json()["results"]}
    assert by_source == {"qr": (2, 2), "chat_card": (1, 1)}
    bad = client_for(user).post(
        f"/api/v1/miniprograms/{app.app_id}/open", {"source": "billboard"}, format="json"
    )
    assert bad.status_code == 400


def test_a_card_payload_is_validated_against_the_released_pages(api):
    app, _, _ = released_app()
    url = f"/api/v1/miniprograms/{app.app_id}/cards"
    card = {
        "title": "Order a coffee",
        "page_path": "pages/order?table=3",
        "image_url": "https://cdn.example/cup.png",
    }
    ok = api.post(url, card, format="json")
    assert ok.status_code == 200
    assert ok.json() == {"app_id": app.app_id, **card}
    bad = api.post(
        url, {**card, "page_path": "pages/secret", "image_url": "http://x"}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_card"
    assert set(bad.json()["fields"]) == {"page_path", "image_url"}


def test_a_card_image_may_be_plain_http_only_while_debug_is_on(api, settings):
    app, _, _ = released_app()
    url = f"/api/v1/miniprograms/{app.app_id}/cards"
    card = {
        "title": "Join my team",
        "page_path": "pages/index",
        "image_url": f"http://127.0.0.1:8000/mp/{app.app_id}/card.svg",
    }
    settings.DEBUG = False
    refused = api.post(url, card, format="json")
    assert (refused.status_code, list(refused.json()["fields"])) == (400, ["image_url"])
    settings.DEBUG = True
    assert api.post(url, card, format="json").json()["image_url"] == card["image_url"]
    for bad in ("ftp://cdn.example/a.png", "http:///no-host.png", "card.svg"):
        refused = api.post(url, {**card, "image_url": bad}, format="json")
        assert refused.status_code == 400, bad


def test_listing_versions_has_no_n_plus_one(client_for):
    app, _, owner = developer_app()
    client = client_for(owner)
    counter = iter(range(1000))

    def build(n):
        for _ in range(n):
            client.post(
                f"/api/v1/dev/miniprograms/{app.app_id}/versions",
                {"version": f"v{next(counter)}", "bundle": upload_file(bundle_bytes())},
                format="multipart",
            )

    assert_queries_constant(
        build, lambda: client.get(f"/api/v1/dev/miniprograms/{app.app_id}/versions")
    )
