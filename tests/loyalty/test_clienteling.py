"""The client book: who is in it, assigned associates and audited hand-overs, tags, notes,
follow-ups, timeline, segments, campaigns to consenting clients only, commission, and brand
isolation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty import services
from loyalty.models import AssociateHandover, Campaign, Client, Commission
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.loyalty.factories import (
    add_staff,
    brand_owner,
    emit_event,
    events_of,
    follow,
    make_brand,
    make_program,
    order_paid,
    order_refunded,
)
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db


def service_message(brand, user, message_id):
    emit_event(
        "official.service_message_received",
        {"brand_id": brand.pk, "account_id": 1, "user_id": user.pk, "message_id": message_id},
    )


def client_id(brand, user) -> int:
    return Client.objects.get(brand=brand, user=user).pk


def clients_url(brand, suffix=""):
    return f"/api/v1/loyalty/brands/{brand.pk}/clients{suffix}"


def test_followers_buyers_and_opted_in_consumers_enter_the_client_book(brand, owner):
    follower, buyer, member = UserFactory(), UserFactory(), UserFactory()
    follow(brand, follower)
    order_paid(brand, buyer, 5_000)
    consumer_client(member).post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {})
    response = owner.get(clients_url(brand))
    assert response.status_code == 200
    by_user = {c["user"]["username"]: c for c in response.json()["results"]}
    assert set(by_user) == {follower.username, buyer.username, member.username}
    assert by_user[follower.username]["followed_at"] is not None
    assert by_user[buyer.username]["last_purchase_at"] is not None
    assert by_user[buyer.username]["tier"] == "Member"
    assert by_user[member.username]["opted_in_at"] is not None
    services.consent_grant(actor=follower, purpose="marketing", brand_id=brand.pk)
    by_user = {c["user"]["username"]: c for c in owner.get(clients_url(brand)).json()["results"]}
    assert by_user[follower.username]["marketing_consent"] is True
    assert by_user[buyer.username]["marketing_consent"] is False


def test_first_service_chat_assigns_the_least_busy_associate_and_the_client_sees_it(brand, api):
    busy, free = add_staff(brand), add_staff(brand)
    service_message(brand, UserFactory(), 1)  # the first client goes to `busy` (earliest)
    service_message(brand, api.user, 2)
    service_message(brand, api.user, 3)
    client = Client.objects.get(brand=brand, user=api.user)
    assert client.associate == free
    assert client.service_chats.count() == 2
    assert AssociateHandover.objects.filter(client=client).count() == 1
    mine = api.get(f"/api/v1/loyalty/brands/{brand.pk}/my-associate").json()
    assert mine["associate"]["username"] == free.username
    assert mine["handovers"][0]["reason"] == "first service chat"
    assert UserEvent.objects.filter(user=api.user, type="loyalty.associate_assigned").exists()
    assert busy != free


def test_hand_over_is_audited_and_visible_to_the_client(brand, owner, api):
    first, second, third = add_staff(brand), add_staff(brand), add_staff(brand)
    service_message(brand, api.user, 1)
    cid = client_id(brand, api.user)
    by_stranger_associate = consumer_client(third).post(
        clients_url(brand, f"/{cid}/assignment"), {"associate": second.username}
    )
    assert by_stranger_associate.status_code == 403
    handed = consumer_client(first).post(
        clients_url(brand, f"/{cid}/assignment"),
        {"associate": second.username, "reason": "moving to the Milan store"},
    )
    assert handed.status_code == 200, handed.content
    assert handed.json()["associate"]["username"] == second.username
    outsider = owner.post(
        clients_url(brand, f"/{cid}/assignment"), {"associate": UserFactory().username}
    )
    assert outsider.status_code == 400
    handovers = api.get(f"/api/v1/loyalty/brands/{brand.pk}/my-associate").json()["handovers"]
    assert handovers[0]["from_associate"]["username"] == first.username
    assert handovers[0]["to_associate"]["username"] == second.username
    assert handovers[0]["reason"] == "moving to the Milan store"


def test_associates_of_one_brand_see_nothing_of_another_brands_clients(brand):
    other_brand = make_brand(name="Other House")
    make_program(other_brand)
    ours, theirs = UserFactory(), UserFactory()
    order_paid(brand, ours, 1_000)
    order_paid(other_brand, theirs, 1_000)
    associate = consumer_client(add_staff(brand))
    listed = associate.get(clients_url(brand)).json()["results"]
    assert [c["user"]["username"] for c in listed] == [ours.username]
    their_client = client_id(other_brand, theirs)
    for url in [
        clients_url(brand, f"/{their_client}"),
        clients_url(brand, f"/{their_client}/timeline"),
        clients_url(brand, f"/{their_client}/notes"),
    ]:
        response = associate.get(url)
        assert_refused(response, 404, "client_not_found")
    response = associate.get(clients_url(other_brand, f"/{their_client}"))
    assert_refused(response, 404, "brand_not_found")
    note = associate.post(clients_url(brand, f"/{their_client}/notes"), {"body": "peek"})
    assert note.status_code == 404
    assert consumer_client(UserFactory()).get(clients_url(brand)).status_code == 404


def test_brand_tags_are_shared_and_personal_tags_stay_personal(brand, owner, settings):
    settings.LOYALTY_MAX_TAGS_PER_CLIENT = 2
    first, second = consumer_client(add_staff(brand)), consumer_client(add_staff(brand))
    shopper = UserFactory()
    order_paid(brand, shopper, 1_000)
    cid = client_id(brand, shopper)
    assert first.post(clients_url(brand, f"/{cid}/tags"), {"name": "VIP"}).status_code == 201
    personal = first.post(
        clients_url(brand, f"/{cid}/tags"), {"name": "likes green", "personal": True}
    )
    assert personal.status_code == 201
    assert {t["name"] for t in first.get(clients_url(brand, f"/{cid}")).json()["tags"]} == {
        "VIP",
        "likes green",
    }
    assert [t["name"] for t in second.get(clients_url(brand, f"/{cid}")).json()["tags"]] == ["VIP"]
    hidden = second.delete(clients_url(brand, f"/{cid}/tags/{personal.json()['id']}"))
    assert hidden.status_code == 404
    third = owner.post(clients_url(brand, f"/{cid}/tags"), {"name": "third"})
    assert_refused(third, 422, "too_many_tags")


def test_notes_and_follow_up_tasks_with_due_dates(brand):
    associate = consumer_client(add_staff(brand))
    shopper = UserFactory()
    order_paid(brand, shopper, 1_000)
    cid = client_id(brand, shopper)
    note = associate.post(clients_url(brand, f"/{cid}/notes"), {"body": "Prefers silk, size 38"})
    assert note.status_code == 201
    assert associate.get(clients_url(brand, f"/{cid}/notes")).json()["results"][0]["body"] == (
        "Prefers silk, size 38"
    )
    due = (timezone.now() + timedelta(days=3)).isoformat()
    task = associate.post(
        clients_url(brand, f"/{cid}/tasks"), {"title": "Call about the fitting", "due_at": due}
    )
    assert task.status_code == 201, task.content
    tasks_url = f"/api/v1/loyalty/brands/{brand.pk}/tasks"
    assert [t["title"] for t in associate.get(tasks_url).json()["results"]] == [
        "Call about the fitting"
    ]
    done = associate.post(f"{tasks_url}/{task.json()['id']}/complete")
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    assert associate.get(tasks_url).json()["results"] == []


def test_timeline_tells_orders_points_chats_and_live_show_purchases(brand, owner):
    shopper = UserFactory()
    order_paid(brand, shopper, 10_000)
    order_paid(brand, shopper, 5_000, live_show_id=77)
    service_message(brand, shopper, 9)
    response = owner.get(clients_url(brand, f"/{client_id(brand, shopper)}/timeline"))
    assert response.status_code == 200
    kinds = [item["kind"] for item in response.json()["results"]]
    assert {"purchase", "live_show_purchase", "points", "service_chat"} <= set(kinds)
    live = next(i for i in response.json()["results"] if i["kind"] == "live_show_purchase")
    assert live["details"]["live_show_id"] == 77


def test_client_list_has_no_n_plus_one(brand, owner):
    def build(count):
        for _ in range(count):
            shopper = UserFactory()
            order_paid(brand, shopper, 1_000)
            Client.objects.filter(user=shopper).update(associate=brand_owner(brand))

    assert_queries_constant(build, lambda: owner.get(clients_url(brand)))


def brand_account(brand):
    """An official account of the brand (a campaign is sent through one of its own)."""
    brand.owner = brand_owner(brand)
    return official_account(brand=brand)


def make_segment(client, brand, filters):
    response = client.post(
        f"/api/v1/loyalty/brands/{brand.pk}/segments", {"name": "Gold VIPs", "filters": filters}
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_segment_by_tier_spend_last_purchase_and_tag(brand, owner):
    gold_vip, gold_plain, silver_vip, gold_old = (UserFactory() for _ in range(4))
    for shopper in (gold_vip, gold_plain, gold_old):
        order_paid(brand, shopper, 250_000)
    order_paid(brand, silver_vip, 60_000)
    Client.objects.filter(user=gold_old).update(
        last_purchase_at=timezone.now() - timedelta(days=90)
    )
    tag = owner.post(
        clients_url(brand, f"/{client_id(brand, gold_vip)}/tags"), {"name": "VIP"}
    ).json()
    owner.post(clients_url(brand, f"/{client_id(brand, silver_vip)}/tags"), {"name": "VIP"})
    owner.post(clients_url(brand, f"/{client_id(brand, gold_old)}/tags"), {"name": "VIP"})
    segment = make_segment(
        owner,
        brand,
        {
            "tiers": ["Gold"],
            "min_spend": 200_000,
            "last_purchase_after": (timezone.now() - timedelta(days=30)).isoformat(),
            "tags": [tag["id"]],
        },
    )
    members = owner.get(f"/api/v1/loyalty/brands/{brand.pk}/segments/{segment}/clients").json()
    assert [c["user"]["username"] for c in members["results"]] == [gold_vip.username]
    bad = owner.post(
        f"/api/v1/loyalty/brands/{brand.pk}/segments",
        {"name": "x", "filters": {"tiers": ["Platinum"]}},
    )
    assert bad.status_code == 400


def test_campaign_reaches_only_clients_who_consent_to_marketing(brand, owner):
    consenting, silent, withdrawn = UserFactory(), UserFactory(), UserFactory()
    for shopper in (consenting, silent, withdrawn):
        order_paid(brand, shopper, 10_000)
    for shopper in (consenting, withdrawn):
        consumer_client(shopper).post(
            "/api/v1/me/consents", {"brand_id": brand.pk, "purpose": "marketing"}
        )
    consumer_client(silent).post(
        "/api/v1/me/consents", {"brand_id": brand.pk, "purpose": "crm_profile"}
    )
    consumer_client(withdrawn).post("/api/v1/me/consents/withdraw", {"brand_id": brand.pk})
    segment = make_segment(owner, brand, {"min_spend": 1})
    account = brand_account(brand)
    response = owner.post(
        f"/api/v1/loyalty/brands/{brand.pk}/campaigns",
        {
            "segment_id": segment,
            "account_id": account.pk,
            "title": "Private sale",
            "body": "Tomorrow, 10am",
        },
    )
    assert response.status_code == 201, response.content
    assert (response.json()["recipient_count"], response.json()["skipped_without_consent"]) == (
        1,
        2,
    )
    [event] = events_of("loyalty.campaign_sent")
    assert event == {
        "campaign_id": response.json()["id"],
        "brand_id": brand.pk,
        "account_id": account.pk,
        "user_ids": [consenting.pk],
        "title": "Private sale",
        "body": "Tomorrow, 10am",
    }


def test_campaign_limits_and_roles(brand, owner, settings):
    shoppers = [UserFactory() for _ in range(3)]
    for shopper in shoppers:
        order_paid(brand, shopper, 10_000)
    segment = make_segment(owner, brand, {"min_spend": 1})
    account = brand_account(brand)
    body = {"segment_id": segment, "account_id": account.pk, "title": "Hi", "body": "News"}
    url = f"/api/v1/loyalty/brands/{brand.pk}/campaigns"
    nobody = owner.post(url, body)
    assert_refused(nobody, 422, "no_recipients")
    for shopper in shoppers:
        services.consent_grant(actor=shopper, purpose="marketing", brand_id=brand.pk)
    settings.LOYALTY_CAMPAIGN_MAX_RECIPIENTS = 2
    too_many = owner.post(url, body)
    assert_refused(too_many, 422, "too_many_recipients")
    by_associate = consumer_client(add_staff(brand)).post(url, body)
    assert by_associate.status_code == 403
    assert not Campaign.objects.exists()


def test_commission_from_attributed_orders_is_reversed_on_refund(brand, owner):
    associate = add_staff(brand)
    shopper = UserFactory()
    order = order_paid(brand, shopper, 40_000, associate_user_id=associate.pk)
    order_paid(brand, shopper, 40_000, associate_user_id=UserFactory().pk)  # not staff: none
    order_refunded(brand, order, 10_000)
    assert list(Commission.objects.order_by("pk").values_list("amount", flat=True)) == [2_000, -500]
    ledger = owner.get(f"/api/v1/loyalty/brands/{brand.pk}/commissions").json()["results"]
    assert sum(entry["amount"] for entry in ledger) == 1_500
    own = consumer_client(associate).get(f"/api/v1/loyalty/brands/{brand.pk}/commissions")
    assert len(own.json()["results"]) == 2
    other_associate = consumer_client(add_staff(brand))
    assert (
        other_associate.get(f"/api/v1/loyalty/brands/{brand.pk}/commissions").json()["results"]
        == []
    )


def test_timeline_pages_with_before(brand, owner, settings):
    settings.LOYALTY_TIMELINE_MAX_ITEMS = 2
    shopper = UserFactory()
    for message_id in (1, 2, 3):
        service_message(brand, shopper, message_id)
    url = clients_url(brand, f"/{client_id(brand, shopper)}/timeline")
    first = owner.get(url).json()
    assert [i["details"]["message_id"] for i in first["results"]] == [3, 2]
    rest = owner.get(url, {"before": first["next"]}).json()
    assert [i["details"]["message_id"] for i in rest["results"]] == [1]
    assert rest["next"] is None
