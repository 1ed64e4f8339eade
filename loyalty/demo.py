"""Demo loyalty world: Alice's brand runs a program with tiers and a reward, Bob is a member
who consents to its marketing. Safe to run twice."""

from loyalty import services
from loyalty.models import Member, Program, Reward
from superapp.accounts.models import User
from superapp.official.demo import demo_brand

DEMO_TIERS = [
    {"name": "Member", "min_spend": 0, "multiplier_percent": 100},
    {"name": "Silver", "min_spend": 50_000, "multiplier_percent": 150},
    {"name": "Gold", "min_spend": 200_000, "multiplier_percent": 200},
]


def seed(stdout) -> None:
    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    brand = demo_brand(alice)
    if not Program.objects.filter(brand=brand).exists():
        services.program_create(
            actor=alice,
            brand_id=brand.pk,
            name=f"{brand.name} Rewards",
            points_name="moons",
            currency="EUR",
            points_per_unit=1,
            redeem_points_per_unit=100,
            checkout_max_amount=5_000,
            signup_points=100,
            commission_bps=300,
            tiers=DEMO_TIERS,
        )
        services.reward_create(
            actor=alice,
            brand_id=brand.pk,
            name="10% off your next order",
            points_cost=500,
            coupon_kind=Reward.CouponKind.PERCENT,
            coupon_value=10,
        )
    if not Member.objects.filter(program__brand=brand, user=bob).exists():
        services.membership_join(actor=bob, brand_id=brand.pk)
    services.consent_grant(actor=bob, purpose="marketing", brand_id=brand.pk)
    stdout.write(f"loyalty: program of {brand.name} with bob as a member")
