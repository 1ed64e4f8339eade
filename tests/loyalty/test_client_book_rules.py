"""Who may hand a client over, and the edges of segments: a segment of another brand or of
none, filters that name nothing or an unknown tag, spend bounds that include their limits and
a last-purchase bound that does not, the staff's list of their brand's segments, and "my
clients" only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty.models import AssociateHandover, Campaign, Client, Segment
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.loyalty.factories import (
    add_staff,
    brand_owner,
    client_of,
    make_brand,
    make_program,
    order_paid,
    url,
)
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db


def shopper_spending(brand, amount: int):
    shopper = UserFactory()
    order_paid(brand, shopper, amount)
    return shopper


def segment(owner, brand, filters: dict, name="Segment") -> int:
    response = owner.post(url(brand, "segments"), {"name": name, "filters": filters}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def segment_usernames(owner, brand, segment_id: int) -> set[str]:
    response = owner.get(url(brand, f"segments/{segment_id}/clients"))
    assert response.status_code == 200, response.content
    return {c["user"]["username"] for c in response.json()["results"]}


# --- Hand-over --------------------------------------------------------------------------------


def test_an_associate_hands_over_only_their_own_clients(brand, owner):
    keeper, colleague, newcomer = add_staff(brand), add_staff(brand), add_staff(brand)
    shopper = shopper_spending(brand, 1_000)
    cid = client_of(brand, shopper).pk
    assert (
        owner.post(url(brand, f"clients/{cid}/assignment"), {"associate": keeper.username})
    ).status_code == 200

    taken = consumer_client(colleague).post(
        url(brand, f"clients/{cid}/assignment"), {"associate": newcomer.username}
    )

    assert_refused(taken, 403, "not_your_client")
    assert client_of(brand, shopper).associate == keeper
    assert AssociateHandover.objects.filter(client_id=cid).count() == 1
    given = consumer_client(keeper).post(
        url(brand, f"clients/{cid}/assignment"), {"associate": newcomer.username}
    )
    assert given.status_code == 200, given.content
    assert client_of(brand, shopper).associate == newcomer


def test_my_clients_are_the_ones_i_look_after(brand, owner):
    mine, theirs = shopper_spending(brand, 1_000), shopper_spending(brand, 1_000)
    me, colleague = add_staff(brand), add_staff(brand)
    for shopper, associate in ((mine, me), (theirs, colleague)):
        cid = client_of(brand, shopper).pk
        owner.post(url(brand, f"clients/{cid}/assignment"), {"associate": associate.username})
    api = consumer_client(me)

    listed = api.get(url(brand, "clients?mine=1")).json()["results"]

    assert [c["user"]["username"] for c in listed] == [mine.username]
    everyone = api.get(url(brand, "clients")).json()["results"]
    assert {c["user"]["username"] for c in everyone} == {mine.username, theirs.username}


# --- Segments ---------------------------------------------------------------------------------


def test_spend_bounds_include_their_limits_and_last_purchase_before_excludes_its_own(brand, owner):
    low, edge, high = (shopper_spending(brand, amount) for amount in (9_999, 10_000, 10_001))
    capped = segment(owner, brand, {"max_spend": 10_000})
    assert segment_usernames(owner, brand, capped) == {low.username, edge.username}
    floored = segment(owner, brand, {"min_spend": 10_000})
    assert segment_usernames(owner, brand, floored) == {edge.username, high.username}

    moment = timezone.now() - timedelta(days=30)
    Client.objects.filter(user=low).update(last_purchase_at=moment - timedelta(seconds=1))
    Client.objects.filter(user=edge).update(last_purchase_at=moment)
    lapsed = segment(owner, brand, {"last_purchase_before": moment.isoformat()})
    assert segment_usernames(owner, brand, lapsed) == {low.username}


def test_a_segment_needs_a_filter_and_only_known_tags(brand, owner):
    empty = owner.post(url(brand, "segments"), {"name": "All", "filters": {}}, format="json")
    assert assert_refused(empty, 400, "validation_error")["fields"] == {
        "filters": {"non_field_errors": ["A segment needs at least one filter."]}
    }
    unknown_tag = owner.post(
        url(brand, "segments"), {"name": "Tagged", "filters": {"tags": [999_999]}}, format="json"
    )
    assert assert_refused(unknown_tag, 400, "validation_error")["fields"] == {
        "tags": ["Unknown tag."]
    }
    assert not Segment.objects.exists()


def test_a_segment_of_another_brand_or_of_none_is_segment_not_found(brand, owner):
    other_brand = make_brand(name="Other House")
    make_program(other_brand)
    theirs = segment(consumer_client(brand_owner(other_brand)), other_brand, {"min_spend": 1})
    brand.owner = brand_owner(brand)
    account = official_account(brand=brand)
    for segment_id in (theirs, 999_999):
        assert_refused(
            owner.get(url(brand, f"segments/{segment_id}/clients")), 404, "segment_not_found"
        )
        sent = owner.post(
            url(brand, "campaigns"),
            {"segment_id": segment_id, "account_id": account.pk, "title": "Hi", "body": "News"},
        )
        assert_refused(sent, 404, "segment_not_found")
    assert not Campaign.objects.exists()


def test_staff_list_their_brands_segments_and_nobody_else_does(brand, owner):
    ours = segment(owner, brand, {"min_spend": 1}, name="Spenders")
    other_brand = make_brand(name="Other House")
    make_program(other_brand)
    segment(consumer_client(brand_owner(other_brand)), other_brand, {"min_spend": 1})

    listed = consumer_client(add_staff(brand)).get(url(brand, "segments"))

    assert listed.status_code == 200, listed.content
    assert [(s["id"], s["name"]) for s in listed.json()["results"]] == [(ours, "Spenders")]
    stranger = consumer_client(UserFactory()).get(url(brand, "segments"))
    assert stranger.status_code in (403, 404)


# --- Commission -------------------------------------------------------------------------------


def test_a_manager_reads_one_associates_commission_and_an_associate_only_their_own(brand, owner):
    seller, colleague = add_staff(brand), add_staff(brand)
    order_paid(brand, UserFactory(), 40_000, associate_user_id=seller.pk)
    order_paid(brand, UserFactory(), 20_000, associate_user_id=colleague.pk)
    ledger = url(brand, "commissions")

    sellers = owner.get(f"{ledger}?associate={seller.username}").json()["results"]
    assert [e["amount"] for e in sellers] == [2_000]
    everyone = owner.get(ledger).json()["results"]
    assert sorted(e["amount"] for e in everyone) == [1_000, 2_000]
    peeking = consumer_client(colleague).get(f"{ledger}?associate={seller.username}")
    assert [e["amount"] for e in peeking.json()["results"]] == [1_000]
