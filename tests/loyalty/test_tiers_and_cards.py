"""Tiers by rolling 12-month spend (upgrade at once, downgrade on schedule), sign-up and
referral rewards, the member card with its QR code, and in-store purchases by scan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty import services
from loyalty.models import Commission, Member, Purchase
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.loyalty.factories import add_staff, make_brand, make_program, order_paid, order_refunded

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    brand = make_brand()
    make_program(brand)  # Member 0, Silver 500 EUR (x1.5), Gold 2000 EUR (x2)
    return brand


def tier_of(user) -> str:
    return Member.objects.select_related("tier").get(user=user).tier.name


def test_spend_reaching_a_threshold_upgrades_at_once_and_earns_at_the_new_rate(brand, user):
    order_paid(brand, user, 49_999)
    assert tier_of(user) == "Member"
    order_paid(brand, user, 1)
    assert tier_of(user) == "Silver"
    assert Member.objects.get(user=user).rolling_spend == 50_000
    order_paid(brand, user, 10_000)
    assert Member.objects.get(user=user).points == 499 + 0 + 150


def test_a_refund_does_not_downgrade_until_the_scheduled_evaluation(brand, user):
    order = order_paid(brand, user, 60_000)
    order_refunded(brand, order, 20_000)
    assert tier_of(user) == "Silver"
    assert services.tiers_reevaluate() == 1
    assert tier_of(user) == "Member"


def test_spend_older_than_twelve_months_stops_counting_on_schedule(brand, user):
    order_paid(brand, user, 50_000, paid_at=timezone.now() - timedelta(days=360))
    assert tier_of(user) == "Silver"
    assert services.tiers_reevaluate(now=timezone.now() + timedelta(days=4)) == 0
    assert tier_of(user) == "Silver"
    assert services.tiers_reevaluate(now=timezone.now() + timedelta(days=6)) == 1
    assert tier_of(user) == "Member"
    assert Member.objects.get(user=user).rolling_spend == 0


def test_the_schedule_keeps_a_member_exactly_at_the_threshold(brand, user):
    order_paid(brand, user, 200_000)
    assert tier_of(user) == "Gold"
    assert services.tiers_reevaluate() == 0
    assert tier_of(user) == "Gold"


def test_signup_and_referral_rewards_arrive_with_the_first_purchase():
    brand = make_brand()
    make_program(brand, signup_points=50, referrer_points=200, referred_points=100)
    friend, newcomer = UserFactory(), UserFactory()
    friend_card = consumer_client(friend).post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {})
    assert friend_card.status_code == 201
    joined = consumer_client(newcomer).post(
        f"/api/v1/loyalty/brands/{brand.pk}/membership",
        {"referral_code": friend_card.json()["member_number"]},
    )
    assert joined.status_code == 201
    assert Member.objects.get(user=friend).points == 0
    order_paid(brand, newcomer, 1_000)
    assert Member.objects.get(user=newcomer).points == 10 + 50 + 100
    assert Member.objects.get(user=friend).points == 200
    order_paid(brand, newcomer, 1_000)
    assert Member.objects.get(user=friend).points == 200
    assert Member.objects.get(user=newcomer).points == 170


def test_joining_twice_or_with_an_unknown_code_is_refused(brand, api):
    assert api.post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {}).status_code == 201
    again = api.post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {})
    assert_refused(again, 409, "already_member")
    other = consumer_client(UserFactory()).post(
        f"/api/v1/loyalty/brands/{brand.pk}/membership", {"referral_code": "000"}
    )
    assert other.status_code == 400


def test_member_card_shows_number_tier_points_and_a_qr_code(brand, api):
    order_paid(brand, api.user, 12_000)
    card = api.get(f"/api/v1/loyalty/brands/{brand.pk}/card")
    assert card.status_code == 200
    body = card.json()
    assert (body["tier"], body["points"], body["points_name"]) == ("Member", 120, "moons")
    assert body["qr_payload"].startswith(f"plaza-card:{brand.pk}:{body['member_number']}:")
    image = api.get(f"/api/v1/loyalty/brands/{brand.pk}/card.png")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_an_associate_scans_a_card_to_book_an_in_store_purchase(brand, api):
    api.post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {})
    card = api.get(f"/api/v1/loyalty/brands/{brand.pk}/card").json()["qr_payload"]
    associate = consumer_client(add_staff(brand))
    body = {"card": card, "amount": 30_000, "currency": "EUR", "reference": "till-7-0042"}
    url = f"/api/v1/loyalty/brands/{brand.pk}/in-store-purchases"
    first = associate.post(url, body, HTTP_IDEMPOTENCY_KEY="scan-1")
    again = associate.post(url, body, HTTP_IDEMPOTENCY_KEY="scan-1")
    assert first.status_code == again.status_code == 201, first.content
    assert first.json()["points_awarded"] == 300
    assert Member.objects.get(user=api.user).points == 300
    commission = Commission.objects.get()
    assert (commission.associate, commission.amount) == (associate.user, 1_500)


def test_forged_cards_and_outsiders_cannot_book_purchases(brand, api):
    api.post(f"/api/v1/loyalty/brands/{brand.pk}/membership", {})
    card = api.get(f"/api/v1/loyalty/brands/{brand.pk}/card").json()["qr_payload"]
    associate = consumer_client(add_staff(brand))
    url = f"/api/v1/loyalty/brands/{brand.pk}/in-store-purchases"
    body = {"amount": 1_000, "currency": "EUR", "reference": "r1"}
    forged = associate.post(url, {**body, "card": card[:-4] + "0000"})
    assert_refused(forged, 404, "card_not_found")
    outsider = consumer_client(UserFactory()).post(url, {**body, "card": card})
    assert_refused(outsider, 404, "brand_not_found")
    assert Member.objects.get(user=api.user).points == 0


def test_a_card_is_valid_only_at_its_own_brand_and_only_whole(brand, api):
    other = make_brand(name="Other House")
    make_program(other)
    api.post(f"/api/v1/loyalty/brands/{other.pk}/membership", {})
    theirs = api.get(f"/api/v1/loyalty/brands/{other.pk}/card").json()["qr_payload"]
    associate = consumer_client(add_staff(brand))
    url = f"/api/v1/loyalty/brands/{brand.pk}/in-store-purchases"
    body = {"amount": 1_000, "currency": "EUR", "reference": "r1"}
    for card in (theirs, theirs.rsplit(":", 1)[0], "not-a-card"):
        assert_refused(associate.post(url, {**body, "card": card}), 404, "card_not_found")
    assert not Purchase.objects.exists()


def test_bonus_campaign_multiplies_points_for_its_collection_in_its_window(brand, user):
    owner = consumer_client(brand.members.get(role="owner").user)
    now = timezone.now()
    response = owner.post(
        f"/api/v1/loyalty/brands/{brand.pk}/bonus-campaigns",
        {
            "name": "Double moons on Spring",
            "starts_at": (now - timedelta(days=1)).isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
            "multiplier_percent": 200,
            "collection_id": 7,
        },
    )
    assert response.status_code == 201, response.content
    lines = [
        {"product_id": 1, "sku_id": 1, "collection_ids": [7], "quantity": 1, "amount": 10_000},
        {"product_id": 2, "sku_id": 2, "collection_ids": [8], "quantity": 1, "amount": 10_000},
    ]
    order_paid(brand, user, 20_000, lines=lines)
    assert Member.objects.get(user=user).points == 200 + 100
    order_paid(brand, user, 10_000, paid_at=now - timedelta(days=3), lines=lines[:1])
    assert Member.objects.get(user=user).points == 300 + 100


def test_a_bonus_window_includes_its_first_moment_and_excludes_its_last(brand):
    owner = consumer_client(brand.members.get(role="owner").user)
    starts = timezone.now().replace(microsecond=0) - timedelta(days=2)
    ends = starts + timedelta(days=1)
    response = owner.post(
        f"/api/v1/loyalty/brands/{brand.pk}/bonus-campaigns",
        {
            "name": "Triple moons, one day",
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(),
            "multiplier_percent": 300,
        },
    )
    assert response.status_code == 201, response.content
    points = {}
    for label, paid_at in (
        ("just before", starts - timedelta(seconds=1)),
        ("first moment", starts),
        ("last moment", ends - timedelta(seconds=1)),
        ("end", ends),
    ):
        shopper = UserFactory()
        order_paid(brand, shopper, 10_000, paid_at=paid_at)
        points[label] = Member.objects.get(user=shopper).points
    assert points == {"just before": 100, "first moment": 300, "last moment": 300, "end": 100}


def test_a_person_lists_their_member_cards_at_every_brand_and_only_theirs(brand, api):
    other_brand = make_brand(name="Atelier Nord")
    make_program(other_brand)
    order_paid(brand, api.user, 12_000)
    api.post(f"/api/v1/loyalty/brands/{other_brand.pk}/membership", {})
    order_paid(brand, UserFactory(), 5_000)  # someone else's card
    answer = api.get("/api/v1/me/member-cards")
    assert answer.status_code == 200
    cards = answer.json()["results"]
    assert [(c["brand_id"], c["brand_name"], c["points"]) for c in cards] == [
        (other_brand.pk, "Atelier Nord", 0),
        (brand.pk, "Maison Lune", 120),
    ]
    assert cards[1]["qr_payload"].startswith(f"plaza-card:{brand.pk}:{cards[1]['member_number']}:")
    assert consumer_client(UserFactory()).get("/api/v1/me/member-cards").json()["results"] == []
