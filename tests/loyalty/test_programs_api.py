"""Program set-up by brand managers, its public description, and the member's points history."""

import pytest

from loyalty.models import Program, Tier
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.loyalty.factories import PROGRAM_DEFAULTS, add_staff, make_brand, order_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    return make_brand()


def create(client, brand, **overrides):
    return client.post(
        "/api/v1/loyalty/programs", {**PROGRAM_DEFAULTS, "brand_id": brand.pk, **overrides}
    )


def test_an_owner_starts_a_program_with_a_base_tier_added(brand):
    owner = consumer_client(brand.members.get(role="owner").user)
    response = create(
        owner, brand, tiers=[{"name": "Gold", "min_spend": 100_000, "multiplier_percent": 200}]
    )
    assert response.status_code == 201, response.content
    assert [t["name"] for t in response.json()["tiers"]] == ["Member", "Gold"]
    again = create(owner, brand)
    assert_refused(again, 409, "program_exists")
    public = consumer_client(UserFactory()).get(f"/api/v1/loyalty/brands/{brand.pk}/program")
    assert public.status_code == 200
    assert public.json()["points_name"] == "moons"


def test_only_managers_start_programs(brand):
    associate = consumer_client(add_staff(brand))
    assert create(associate, brand).status_code == 403
    assert create(consumer_client(UserFactory()), brand).status_code == 404
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"currency": "eur"},
        {"points_per_unit": 0},
        {"checkout_max_percent": 101},
        {"tiers": [{"name": "A", "min_spend": 0}, {"name": "B", "min_spend": 0}]},
        {"tiers": [{"name": "A", "min_spend": 0, "multiplier_percent": 50}]},
    ],
)
def test_invalid_programs_are_refused_whole(brand, overrides):
    owner = consumer_client(brand.members.get(role="owner").user)
    response = create(owner, brand, **overrides)
    assert_refused(response, 400, "validation_error")
    assert not Program.objects.exists()
    assert not Tier.objects.exists()


def test_a_member_reads_their_points_history_newest_first(brand, api):
    owner = consumer_client(brand.members.get(role="owner").user)
    create(owner, brand)
    order_paid(brand, api.user, 10_000)
    order_paid(brand, api.user, 20_000)
    history = api.get(f"/api/v1/loyalty/brands/{brand.pk}/points")
    assert history.status_code == 200
    assert [(e["kind"], e["points"]) for e in history.json()["results"]] == [
        ("earn", 200),
        ("earn", 100),
    ]
    stranger = consumer_client(UserFactory()).get(f"/api/v1/loyalty/brands/{brand.pk}/points")
    assert_refused(stranger, 404, "not_a_member")


def test_managers_change_the_rules_from_now_on(brand, api):
    owner = consumer_client(brand.members.get(role="owner").user)
    create(owner, brand)
    order_paid(brand, api.user, 10_000)
    url = f"/api/v1/loyalty/brands/{brand.pk}/program"
    changed = owner.patch(url, {"points_per_unit": 3, "expiry_months": 6})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["points_per_unit"], changed.json()["expiry_months"]) == (3, 6)
    assert changed.json()["currency"] == "EUR"
    order_paid(brand, api.user, 10_000)
    assert api.get(f"/api/v1/loyalty/brands/{brand.pk}/card").json()["points"] == 100 + 300
    assert owner.patch(url, {"currency": "USD"}).json()["currency"] == "EUR"
    assert owner.patch(url, {"checkout_max_percent": 0}).status_code == 400
    associate = consumer_client(add_staff(brand))
    assert associate.patch(url, {"points_per_unit": 9}).status_code == 403
