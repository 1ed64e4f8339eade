"""What the workspace's loyalty screens call beyond the program itself: tiers added later,
rewards edited and retired, the audience of unsaved segment filters, campaigns with their
results, and members looked up at the till by card QR or typed member number."""

import pytest
from django.test import TestCase

from loyalty import selectors, services
from loyalty.models import Campaign, Member, Purchase, Reward, Tier
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.loyalty.factories import (
    add_staff,
    brand_owner,
    make_brand,
    make_program,
    order_paid,
    url,
)
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def associate(brand):
    return consumer_client(add_staff(brand))


def consenting_shopper(brand, amount: int):
    shopper = UserFactory()
    order_paid(brand, shopper, amount)
    services.consent_grant(actor=shopper, purpose="marketing", brand_id=brand.pk)
    return shopper


# --- Tiers and rewards ------------------------------------------------------------------------


def test_a_manager_adds_a_tier_with_a_unique_name_and_threshold(brand, owner, associate):
    added = owner.post(url(brand, "tiers"), {"name": "Platinum", "min_spend": 900_000})
    assert added.status_code == 201, added.content
    assert added.json() == {"name": "Platinum", "min_spend": 900_000, "multiplier_percent": 100}
    program = owner.get(url(brand, "program")).json()
    assert [t["name"] for t in program["tiers"]] == ["Member", "Silver", "Gold", "Platinum"]

    same_name = owner.post(url(brand, "tiers"), {"name": "Gold", "min_spend": 1_000_000})
    assert assert_refused(same_name, 400, "validation_error")["fields"] == {
        "name": ["Another tier has this name."]
    }
    same_spend = owner.post(url(brand, "tiers"), {"name": "Diamond", "min_spend": 200_000})
    assert assert_refused(same_spend, 400, "validation_error")["fields"] == {
        "min_spend": ["Another tier has this min_spend."]
    }
    refused = associate.post(url(brand, "tiers"), {"name": "Diamond", "min_spend": 5_000_000})
    assert refused.status_code == 403
    assert Tier.objects.filter(program__brand=brand).count() == 4


def test_a_reward_is_edited_then_retired_and_leaves_the_catalogue(brand, owner, associate):
    created = owner.post(
        url(brand, "rewards"),
        {"name": "10 off", "points_cost": 200, "coupon_kind": "percent", "coupon_value": 10},
    ).json()
    reward_url = url(brand, f"rewards/{created['id']}")
    edited = owner.patch(reward_url, {"name": "15 off", "coupon_value": 15})
    assert edited.status_code == 200, edited.content
    assert (edited.json()["name"], edited.json()["coupon_value"]) == ("15 off", 15)
    over = owner.patch(reward_url, {"coupon_value": 150})
    assert assert_refused(over, 400, "validation_error")["fields"] == {
        "coupon_value": ["A percent coupon is at most 100."]
    }
    assert associate.patch(reward_url, {"name": "Mine"}).status_code == 403
    assert associate.delete(reward_url).status_code == 403

    assert owner.delete(reward_url).status_code == 204
    assert not Reward.objects.get(pk=created["id"]).is_active
    assert owner.get(url(brand, "program")).json()["rewards"] == []
    assert_refused(owner.patch(reward_url, {"name": "Back"}), 404, "reward_not_found")
    other_brand = make_brand(name="Other")
    make_program(other_brand)
    outsider = consumer_client(brand_owner(other_brand))
    assert outsider.delete(url(other_brand, f"rewards/{created['id']}")).status_code == 404


# --- Segment preview --------------------------------------------------------------------------


def test_the_audience_of_unsaved_filters_counts_clients_and_the_consenting_ones(
    brand, owner, associate
):
    consenting_shopper(brand, 250_000)  # Gold
    order_paid(brand, UserFactory(), 250_000)  # Gold, no consent
    consenting_shopper(brand, 60_000)  # Silver
    preview = url(brand, "segments/preview")

    assert owner.post(preview, {}).json() == {"size": 3, "consenting": 2}
    assert owner.post(preview, {"tiers": ["Gold"]}).json() == {"size": 2, "consenting": 1}
    both = {"tiers": ["Gold", "Silver"], "min_spend": 100_000}
    assert owner.post(preview, both).json() == {"size": 2, "consenting": 1}
    assert associate.post(preview, {"min_spend": 1}).json() == {"size": 3, "consenting": 2}
    unknown = owner.post(preview, {"tiers": ["Platinum"]})
    assert assert_refused(unknown, 400, "validation_error")["fields"]["tiers"]
    assert owner.post(preview, {"min_spend": -1}).status_code == 400
    stranger = consumer_client(UserFactory())
    assert stranger.post(preview, {}).status_code == 404


def test_the_audience_preview_is_a_fixed_number_of_queries(brand, owner):
    def build(count):
        for _ in range(count):
            consenting_shopper(brand, 10_000)

    preview = url(brand, "segments/preview")
    assert_queries_constant(build, lambda: owner.post(preview, {"tiers": ["Member"]}))


# --- Campaigns and their results --------------------------------------------------------------


def brand_account(brand):
    brand.owner = brand_owner(brand)
    return official_account(brand=brand)


def send(owner, brand, segment_id: int, title: str):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the account delivers it
        response = owner.post(
            url(brand, "campaigns"), {"segment_id": segment_id, "title": title, "body": "Soon"}
        )
    assert response.status_code == 201, response.content
    return response.json()


def test_campaigns_list_their_results_consented_skipped_and_delivered(brand, owner, associate):
    account = brand_account(brand)
    follower = consenting_shopper(brand, 10_000)
    official_services.account_follow(user=follower, account_id=account.pk)
    consenting_shopper(brand, 10_000)  # consents, does not follow: not delivered
    order_paid(brand, UserFactory(), 10_000)  # no consent: skipped
    segment = services.segment_create(
        actor=brand_owner(brand), brand_id=brand.pk, name="Buyers", filters={"min_spend": 1}
    )
    sent = send(owner, brand, segment.pk, "Private sale")
    assert sent["account_id"] == account.pk  # the brand's own account, when none is named

    [result] = owner.get(url(brand, "campaigns")).json()["results"]
    assert result["id"] == sent["id"]
    assert result["segment_name"] == "Buyers"
    assert (
        result["recipient_count"],
        result["skipped_without_consent"],
        result["delivered_count"],
    ) == (2, 1, 1)
    assert associate.get(url(brand, "campaigns")).status_code == 403


def test_a_campaign_needs_an_account_of_the_brand(brand, owner):
    consenting_shopper(brand, 10_000)
    segment = services.segment_create(
        actor=brand_owner(brand), brand_id=brand.pk, name="Buyers", filters={"min_spend": 1}
    )
    body = {"segment_id": segment.pk, "title": "Hi", "body": "News"}
    assert_refused(owner.post(url(brand, "campaigns"), body), 404, "account_not_found")
    assert not Campaign.objects.exists()


def test_the_campaign_list_is_a_fixed_number_of_queries(brand, owner):
    brand_account(brand)
    consenting_shopper(brand, 10_000)
    segment = services.segment_create(
        actor=brand_owner(brand), brand_id=brand.pk, name="Buyers", filters={"min_spend": 1}
    )

    def build(count):
        for n in range(count):
            send(owner, brand, segment.pk, f"Sale {n}")

    assert_queries_constant(build, lambda: owner.get(url(brand, "campaigns")))


# --- At the till ------------------------------------------------------------------------------


def test_staff_look_a_member_up_by_card_qr_or_typed_member_number(brand, associate):
    person = UserFactory(display_name="Bea")
    member = services.membership_join(actor=person, brand_id=brand.pk)
    expected = {
        "member_number": member.member_number,
        "user": {"username": person.username, "display_name": "Bea"},
        "tier": "Member",
        "points": 0,
        "points_name": "moons",
        "currency": "EUR",
    }
    lookup = url(brand, "members/lookup")
    by_qr = associate.post(lookup, {"card": selectors.card_payload(member)})
    assert (by_qr.status_code, by_qr.json()) == (200, expected)
    typed = associate.post(lookup, {"card": f" {member.member_number} "})
    assert (typed.status_code, typed.json()) == (200, expected)

    forged = selectors.card_payload(member)[:-4] + "0000"
    assert_refused(associate.post(lookup, {"card": forged}), 404, "card_not_found")
    assert_refused(associate.post(lookup, {"card": "123"}), 404, "card_not_found")
    other_brand = make_brand(name="Other")
    make_program(other_brand)
    other_staff = consumer_client(add_staff(other_brand))
    refused = other_staff.post(url(other_brand, "members/lookup"), {"card": member.member_number})
    assert_refused(refused, 404, "card_not_found")
    assert consumer_client(person).post(lookup, {"card": member.member_number}).status_code == 404


def test_an_in_store_purchase_by_typed_member_number_earns_points(brand, associate):
    person = UserFactory()
    member = services.membership_join(actor=person, brand_id=brand.pk)
    response = associate.post(
        url(brand, "in-store-purchases"),
        {"card": member.member_number, "amount": 4_200, "currency": "EUR", "reference": "till-7"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["points_awarded"] == 42
    assert Member.objects.get(pk=member.pk).points == 42
    assert Purchase.objects.get().source == "in_store"
