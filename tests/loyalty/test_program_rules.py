"""The rules a brand's managers set and the limits they cannot cross: campaign windows and
targets, percent rewards, a program that does not exist yet, the nightly jobs, and the client
book's refusals (tags, follow-ups, hand-overs) with their stable codes."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from loyalty import services, tasks
from loyalty.models import (
    BonusCampaign,
    Consent,
    FollowUpTask,
    Member,
    Purchase,
    Reward,
)
from superapp.core.models import DomainEventDelivery
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.loyalty.factories import (
    add_staff,
    brand_owner,
    client_of,
    emit_event,
    make_brand,
    order_paid,
    order_refunded,
    payorder_paid,
    payorder_refunded,
    url,
)

pytestmark = pytest.mark.django_db


# --- Program rules ----------------------------------------------------------------------------


def test_a_bonus_campaign_must_end_after_it_starts(brand, owner):
    start = timezone.now()
    response = owner.post(
        url(brand, "bonus-campaigns"),
        {"name": "Backwards", "starts_at": start, "ends_at": start, "multiplier_percent": 200},
    )
    body = assert_refused(response, 400, "validation_error")
    assert body["fields"] == {"ends_at": ["Must be after starts_at."]}
    assert not BonusCampaign.objects.exists()


def test_a_bonus_campaign_targets_a_product_or_a_collection_not_both(brand, owner):
    start = timezone.now()
    campaign = {
        "name": "Both",
        "starts_at": start,
        "ends_at": start + timedelta(days=1),
        "multiplier_percent": 200,
    }
    both = owner.post(
        url(brand, "bonus-campaigns"), {**campaign, "product_id": 1, "collection_id": 2}
    )
    assert assert_refused(both, 400, "validation_error")["fields"] == {
        "product_id": ["Target a product or a collection, not both."]
    }
    one = owner.post(url(brand, "bonus-campaigns"), {**campaign, "collection_id": 2})
    assert one.status_code == 201, one.content
    assert BonusCampaign.objects.get().collection_id == 2


def test_an_associate_cannot_start_a_bonus_campaign(brand):
    associate = consumer_client(add_staff(brand))
    start = timezone.now()
    response = associate.post(
        url(brand, "bonus-campaigns"),
        {
            "name": "Mine",
            "starts_at": start,
            "ends_at": start + timedelta(days=1),
            "multiplier_percent": 200,
        },
    )
    assert response.status_code == 403
    assert not BonusCampaign.objects.exists()


def test_a_percent_reward_is_offered_at_most_at_100_percent(brand, owner):
    reward = {"name": "All off", "points_cost": 100, "coupon_kind": "percent"}
    over = owner.post(url(brand, "rewards"), {**reward, "coupon_value": 101})
    assert assert_refused(over, 400, "validation_error")["fields"] == {
        "coupon_value": ["A percent coupon is at most 100."]
    }
    fixed = owner.post(
        url(brand, "rewards"), {**reward, "coupon_kind": "fixed", "coupon_value": 101}
    )
    assert fixed.status_code == 201, fixed.content
    assert list(Reward.objects.values_list("coupon_kind", "coupon_value")) == [("fixed", 101)]


def test_a_brand_without_a_program_answers_program_not_found():
    brand = make_brand(name="No Program Yet")
    owner = consumer_client(brand_owner(brand))
    assert_refused(owner.get(url(brand, "program")), 404, "program_not_found")
    assert_refused(owner.patch(url(brand, "program"), {"name": "X"}), 404, "program_not_found")
    assert_refused(owner.post(url(brand, "membership"), {}), 404, "program_not_found")


def test_an_update_with_nothing_to_change_leaves_the_program_as_it_was(brand, owner):
    before = owner.get(url(brand, "program")).json()
    response = owner.patch(url(brand, "program"), {})
    assert response.status_code == 200, response.content
    assert response.json() == before


def test_a_renamed_program_keeps_its_currency(brand, owner):
    response = owner.patch(url(brand, "program"), {"name": "Sun Rewards", "currency": "USD"})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["currency"]) == ("Sun Rewards", "EUR")


# --- Nightly jobs -----------------------------------------------------------------------------


def test_the_nightly_expiry_job_expires_lots_past_their_date(brand, user):
    long_ago = timezone.now() - timedelta(days=400)
    services.purchase_record(
        brand_id=brand.pk,
        user_id=user.pk,
        source=Purchase.Source.SHOP_ORDER,
        amount=30_000,
        currency="EUR",
        paid_at=long_ago,
        order_id=1,
        now=long_ago,
    )
    order_paid(brand, user, 10_000)
    assert Member.objects.get(user=user).points == 400
    assert tasks.expire_points() == 300
    assert Member.objects.get(user=user).points == 100
    assert tasks.expire_points() == 0


def test_the_nightly_tier_job_downgrades_members_whose_spend_fell(brand, user):
    order = order_paid(brand, user, 60_000)
    order_refunded(brand, order, 20_000)
    assert Member.objects.get(user=user).tier.name == "Silver"
    assert tasks.reevaluate_tiers() == 1
    member = Member.objects.select_related("tier").get(user=user)
    assert (member.tier.name, member.rolling_spend) == ("Member", 40_000)
    assert tasks.reevaluate_tiers() == 0


def test_pay_orders_of_an_organisation_without_a_brand_earn_no_points(brand, user):
    stranger_brand = make_brand(name="Elsewhere")
    stranger_brand.developer_organisation_id = 10**9  # no brand owns this organisation
    payorder_paid(stranger_brand, user, 10_000)
    assert not Member.objects.filter(user=user).exists()
    payorder_paid(brand, user, 10_000)
    assert Member.objects.get(user=user).points == 100


def test_a_refund_reported_by_an_organisation_without_a_brand_takes_no_points_back(brand, user):
    paid = payorder_paid(brand, user, 10_000)
    stranger_brand = make_brand(name="Elsewhere")
    stranger_brand.developer_organisation_id = 10**9  # no brand owns this organisation
    payorder_refunded(stranger_brand, paid, 10_000, refunded_total=10_000)
    assert Member.objects.get(user=user).points == 100
    payorder_refunded(brand, paid, 10_000, refunded_total=10_000)
    assert Member.objects.get(user=user).points == 0


def test_a_free_order_is_a_purchase_in_the_client_book_that_earns_nothing(brand, user):
    """An order a coupon covered in full is paid with 0 (the shop announces it paid): the
    client bought, nothing was paid, and the event is handled, not failed and retried."""
    order_paid(brand, user, 0)
    assert not DomainEventDelivery.objects.filter(handled_at__isnull=True).exists()
    assert client_of(brand, user).last_purchase_at is not None
    assert not Purchase.objects.filter(user=user).exists()
    assert not Member.objects.filter(user=user, points__gt=0).exists()
    order_paid(brand, user, 5_000)
    assert Member.objects.get(user=user).points == 50


# --- Client book refusals ---------------------------------------------------------------------


@pytest.fixture
def shopper(brand):
    shopper = UserFactory()
    order_paid(brand, shopper, 1_000)
    return shopper


def test_tagging_a_client_twice_with_the_same_tag_keeps_one(brand, owner, shopper):
    cid = client_of(brand, shopper).pk
    first = owner.post(url(brand, f"clients/{cid}/tags"), {"name": "VIP"})
    again = owner.post(url(brand, f"clients/{cid}/tags"), {"name": " VIP "})
    assert first.status_code == again.status_code == 201, again.content
    assert first.json()["id"] == again.json()["id"]
    assert client_of(brand, shopper).client_tags.count() == 1


@override_settings(LOYALTY_MAX_TAGS_PER_CLIENT=2)
def test_a_client_carries_a_limited_number_of_tags(brand, owner, shopper):
    cid = client_of(brand, shopper).pk
    for name in ["VIP", "Bags"]:
        assert owner.post(url(brand, f"clients/{cid}/tags"), {"name": name}).status_code == 201
    third = owner.post(url(brand, f"clients/{cid}/tags"), {"name": "Shoes"})
    assert_refused(third, 422, "too_many_tags")
    assert client_of(brand, shopper).client_tags.count() == 2


def test_removing_a_tag_the_client_does_not_carry_is_tag_not_found(brand, owner, shopper):
    cid = client_of(brand, shopper).pk
    tag = owner.post(url(brand, f"clients/{cid}/tags"), {"name": "VIP"}).json()
    assert owner.delete(url(brand, f"clients/{cid}/tags/{tag['id']}")).status_code == 204
    again = owner.delete(url(brand, f"clients/{cid}/tags/{tag['id']}"))
    assert_refused(again, 404, "tag_not_found")


def test_a_personal_tag_is_invisible_to_colleagues(brand, owner, shopper):
    cid = client_of(brand, shopper).pk
    colleague = consumer_client(add_staff(brand))
    tag = owner.post(url(brand, f"clients/{cid}/tags"), {"name": "Mine", "personal": True}).json()
    removed = colleague.delete(url(brand, f"clients/{cid}/tags/{tag['id']}"))
    assert_refused(removed, 404, "tag_not_found")
    assert client_of(brand, shopper).client_tags.count() == 1


def test_a_follow_up_goes_only_to_a_member_of_the_brand(brand, owner, shopper):
    cid = client_of(brand, shopper).pk
    due = timezone.now() + timedelta(days=2)
    outsider = UserFactory()
    refused = owner.post(
        url(brand, f"clients/{cid}/tasks"),
        {"title": "Call back", "due_at": due, "assignee": outsider.username},
    )
    assert assert_refused(refused, 400, "validation_error")["fields"] == {
        "assignee": ["Not a member of this brand."]
    }
    assert not FollowUpTask.objects.exists()


def follow_up(owner, brand, shopper) -> dict:
    """A follow-up on the shopper's client, due tomorrow, assigned to the caller."""
    response = owner.post(
        url(brand, f"clients/{client_of(brand, shopper).pk}/tasks"),
        {"title": "Call back", "due_at": timezone.now() + timedelta(days=1)},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_completing_a_follow_up_twice_keeps_the_first_completion(brand, owner, shopper):
    task = follow_up(owner, brand, shopper)
    done = owner.post(url(brand, f"tasks/{task['id']}/complete"))
    assert done.status_code == 200, done.content
    first_done_at = FollowUpTask.objects.get(pk=task["id"]).done_at
    assert first_done_at is not None
    assert owner.post(url(brand, f"tasks/{task['id']}/complete")).status_code == 200
    assert FollowUpTask.objects.get(pk=task["id"]).done_at == first_done_at


def test_only_the_assignee_completes_a_follow_up(brand, owner, shopper):
    task = follow_up(owner, brand, shopper)
    colleague = consumer_client(add_staff(brand))
    assert_refused(
        colleague.post(url(brand, f"tasks/{task['id']}/complete")), 404, "task_not_found"
    )
    assert FollowUpTask.objects.get(pk=task["id"]).done_at is None


def test_handing_a_client_to_their_current_associate_is_already_assigned(brand, owner, shopper):
    associate = add_staff(brand)
    cid = client_of(brand, shopper).pk
    handed = owner.post(url(brand, f"clients/{cid}/assignment"), {"associate": associate.username})
    assert handed.status_code == 200, handed.content
    again = owner.post(url(brand, f"clients/{cid}/assignment"), {"associate": associate.username})
    assert_refused(again, 409, "already_assigned")
    assert client_of(brand, shopper).handovers.count() == 1


def test_a_consumer_outside_the_client_book_has_no_associate(brand, api):
    assert_refused(api.get(url(brand, "my-associate")), 404, "client_not_found")


def test_a_campaign_needs_an_official_account_to_send_from(brand, owner, shopper):
    services.consent_grant(actor=shopper, purpose="marketing", brand_id=brand.pk)
    segment = owner.post(
        url(brand, "segments"), {"name": "Everyone", "filters": {"min_spend": 0}}, format="json"
    )
    assert segment.status_code == 201, segment.content
    response = owner.post(
        url(brand, "campaigns"),
        {"segment_id": segment.json()["id"], "title": "Sale", "body": "Come in"},
    )
    assert_refused(response, 404, "account_not_found")


# --- Consent ----------------------------------------------------------------------------------


def test_withdrawing_one_purpose_keeps_the_others(brand, user):
    api = consumer_client(user)
    for purpose in ["marketing", "crm_profile"]:
        services.consent_grant(actor=user, purpose=purpose, brand_id=brand.pk)
    response = api.post(
        "/api/v1/me/consents/withdraw", {"brand_id": brand.pk, "purposes": ["marketing"]}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"withdrawn": 1}
    active = Consent.objects.filter(user=user, withdrawn_at__isnull=True)
    assert list(active.values_list("purpose", flat=True)) == ["crm_profile"]


def test_an_order_from_an_unknown_brand_is_ignored_without_error(user):
    emit_event(
        "shop.order_refunded",
        {
            "order_id": 1,
            "brand_id": 10**9,
            "buyer_user_id": user.pk,
            "amount": 100,
            "currency": "EUR",
            "order_amount": 100,
        },
    )
    assert not Member.objects.filter(user=user).exists()
