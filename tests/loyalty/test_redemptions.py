"""Redeeming points for personal shop coupons: rate, caps, rewards, idempotency, and no
overspending under concurrent redemptions."""

from datetime import datetime

import pytest
from django.utils import timezone

from loyalty import errors, selectors, services
from loyalty.models import Member, Redemption
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client, run_together
from tests.loyalty.factories import TIERS, events_of, make_brand, make_program, order_paid


@pytest.fixture
def brand():
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]])
    return brand


def redeem(client, brand, body, **headers):
    return client.post(f"/api/v1/loyalty/brands/{brand.pk}/redemptions", body, **headers)


@pytest.mark.django_db
def test_checkout_redemption_emits_a_capped_fixed_coupon(brand, api):
    order_paid(brand, api.user, 100_000)  # 1000 points
    response = redeem(api, brand, {"points": 500})
    assert response.status_code == 201, response.content
    coupon = response.json()["coupon"]
    assert (coupon["kind"], coupon["value"], coupon["currency"]) == ("fixed", 500, "EUR")
    assert coupon["min_spend"] == 1_000  # a coupon covers at most 50% of an order
    [event] = events_of("loyalty.reward_redeemed")
    assert event["redemption_id"] == response.json()["id"]
    assert (event["brand_id"], event["user_id"]) == (brand.pk, api.user.pk)
    assert event["coupon"]["value"] == 500
    assert Member.objects.get(user=api.user).points == 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "status", "code"),
    [
        (600_000, 422, "redemption_above_cap"),
        (0, 400, "validation_error"),
        (2_000, 422, "insufficient_points"),
    ],
)
def test_refused_redemptions_change_nothing(brand, api, points, status, code):
    order_paid(brand, api.user, 100_000)
    response = redeem(api, brand, {"points": points})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert Member.objects.get(user=api.user).points == 1000
    assert not Redemption.objects.exists()
    assert events_of("loyalty.reward_redeemed") == []


@pytest.mark.django_db
def test_a_catalogue_reward_becomes_its_coupon(brand, api):
    owner = consumer_client(brand.members.get(role="owner").user)
    reward = owner.post(
        f"/api/v1/loyalty/brands/{brand.pk}/rewards",
        {"name": "10% off", "points_cost": 300, "coupon_kind": "percent", "coupon_value": 10},
    )
    assert reward.status_code == 201, reward.content
    order_paid(brand, api.user, 100_000)
    response = redeem(api, brand, {"reward_id": reward.json()["id"]})
    assert response.status_code == 201
    assert response.json()["coupon"]["kind"] == "percent"
    assert response.json()["points"] == 300
    assert api.get(f"/api/v1/loyalty/brands/{brand.pk}/card").json()["points"] == 700


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"points": 100, "reward_id": 1}, {}])
def test_a_redemption_names_points_or_a_reward_exactly_once(brand, api, body):
    order_paid(brand, api.user, 100_000)
    response = redeem(api, brand, body)
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "non_field_errors": ["Give exactly one of points or reward_id."]
    }
    assert Member.objects.get(user=api.user).points == 1000


@pytest.mark.django_db
def test_a_retired_reward_can_no_longer_be_redeemed(brand, api):
    owner = consumer_client(brand.members.get(role="owner").user)
    rewards = f"/api/v1/loyalty/brands/{brand.pk}/rewards"
    reward = owner.post(
        rewards, {"name": "Tote", "points_cost": 300, "coupon_kind": "fixed", "coupon_value": 500}
    ).json()
    assert owner.delete(f"{rewards}/{reward['id']}").status_code == 204
    order_paid(brand, api.user, 100_000)
    assert_refused(redeem(api, brand, {"reward_id": reward["id"]}), 404, "reward_not_found")
    assert_refused(redeem(api, brand, {"reward_id": 999_999}), 404, "reward_not_found")
    assert Member.objects.get(user=api.user).points == 1000
    assert not Redemption.objects.exists()


@pytest.mark.django_db
def test_points_buy_whole_cents_only():
    """At 150 points a euro, 3 points buy 2 cents: only multiples of 3 make an exact coupon."""
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]], redeem_points_per_unit=150)
    buyer = consumer_client(UserFactory())
    order_paid(brand, buyer.user, 100_000)
    refused = redeem(buyer, brand, {"points": 100})
    assert assert_refused(refused, 400, "validation_error")["fields"] == {
        "points": ["Redeem a multiple of 3 points."]
    }
    assert not Redemption.objects.exists()
    accepted = redeem(buyer, brand, {"points": 99})
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["coupon"]["value"] == 66


@pytest.mark.django_db
def test_a_coupon_is_valid_for_the_programs_days_and_a_rewards_for_its_own():
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]], coupon_valid_days=7)
    owner = consumer_client(brand.members.get(role="owner").user)
    reward = owner.post(
        f"/api/v1/loyalty/brands/{brand.pk}/rewards",
        {
            "name": "Tote",
            "points_cost": 300,
            "coupon_kind": "fixed",
            "coupon_value": 500,
            "min_spend": 2_000,
            "valid_days": 90,
        },
    ).json()
    buyer = consumer_client(UserFactory())
    order_paid(brand, buyer.user, 100_000)
    before = timezone.now()

    checkout = redeem(buyer, brand, {"points": 100}).json()["coupon"]
    catalogue = redeem(buyer, brand, {"reward_id": reward["id"]}).json()["coupon"]

    def days_valid(coupon) -> float:
        return (datetime.fromisoformat(coupon["valid_until"]) - before).total_seconds() / 86_400

    assert 7 <= days_valid(checkout) < 7.01
    assert 90 <= days_valid(catalogue) < 90.01
    assert catalogue["min_spend"] == 2_000


@pytest.mark.django_db
def test_a_member_number_of_another_brand_is_not_a_referral_code_here(brand):
    other = make_brand(name="Other House")
    make_program(other, tiers=[TIERS[0]])
    friend = consumer_client(UserFactory())
    number = friend.post(f"/api/v1/loyalty/brands/{other.pk}/membership", {}).json()
    newcomer = consumer_client(UserFactory())
    response = newcomer.post(
        f"/api/v1/loyalty/brands/{brand.pk}/membership",
        {"referral_code": number["member_number"]},
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {
        "referral_code": ["Unknown referral code."]
    }
    assert not Member.objects.filter(user=newcomer.user).exists()


@pytest.mark.django_db
def test_non_members_and_strangers_cannot_redeem(brand, api):
    response = redeem(api, brand, {"points": 100})
    assert_refused(response, 404, "not_a_member")
    response = api.post("/api/v1/loyalty/brands/999999/redemptions", {"points": 100})
    assert_refused(response, 404, "program_not_found")


@pytest.mark.django_db
def test_a_retried_redemption_with_its_idempotency_key_redeems_once(brand, api):
    order_paid(brand, api.user, 100_000)
    first = redeem(api, brand, {"points": 300}, HTTP_IDEMPOTENCY_KEY="checkout-1")
    again = redeem(api, brand, {"points": 300}, HTTP_IDEMPOTENCY_KEY="checkout-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    other = redeem(api, brand, {"points": 100}, HTTP_IDEMPOTENCY_KEY="checkout-1")
    assert other.status_code == 409
    assert Redemption.objects.count() == 1
    assert Member.objects.get(user=api.user).points == 700


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_overspend():
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]])
    user = UserFactory()
    order_paid(brand, user, 100_000)  # 1000 points
    results = run_together(
        [lambda: services.redemption_create(actor=user, brand_id=brand.pk, points=300)] * 6
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert [type(f) for f in failures] == [errors.InsufficientPoints] * 3, failures
    assert Member.objects.get(user=user).points == 100
    assert Redemption.objects.count() == 3
    assert selectors.points_verify().ok
