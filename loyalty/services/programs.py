"""Loyalty programs and what they offer: rules, tiers, bonus campaigns and rewards."""

from django.db import IntegrityError, transaction
from django.db.models import Q

from loyalty import errors, locks, selectors
from loyalty.models import (
    BonusCampaign,
    Program,
    Reward,
    Tier,
)
from superapp.core.errors import InvalidInput
from superapp.core.updates import model_update
from superapp.official import selectors as official_selectors

DEFAULT_TIER = {"name": "Member", "min_spend": 0, "multiplier_percent": 100}


# --- Programs ---------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor, brand_id: int, tiers: list[dict] | None = None, **rules) -> Program:
    """A brand's owner or admin starts its program. A base tier at zero spend always exists."""
    brand = official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    tiers = list(tiers or [])
    for key in ("name", "min_spend"):
        if len({t[key] for t in tiers}) != len(tiers):
            raise InvalidInput(fields={"tiers": [f"Tier {key}s must be unique."]})
    if all(t["min_spend"] != 0 for t in tiers):
        tiers.append(DEFAULT_TIER)
    try:
        with transaction.atomic():
            program = Program.objects.create(brand=brand, **rules)
    except IntegrityError as exc:
        raise errors.ProgramExists() from exc
    Tier.objects.bulk_create([Tier(program=program, **t) for t in tiers])
    return program


PROGRAM_EDITABLE = {
    "name",
    "points_name",
    "points_per_unit",
    "unit_minor",
    "expiry_months",
    "signup_points",
    "referrer_points",
    "referred_points",
    "redeem_points_per_unit",
    "checkout_max_amount",
    "checkout_max_percent",
    "coupon_valid_days",
    "commission_bps",
    "is_active",
}


@transaction.atomic
def program_update(*, actor, brand_id: int, **changes) -> Program:
    """Managers change the rules from now on: lots already earned keep their expiry and
    coupons already issued keep their value; the currency and tiers are fixed once set."""
    official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    program = locks.programs().filter(brand_id=brand_id).first()
    if program is None:
        raise errors.ProgramNotFound()
    unknown = set(changes) - PROGRAM_EDITABLE
    if unknown:
        raise InvalidInput(fields={name: ["Not editable."] for name in sorted(unknown)})
    model_update(program, changes, fields=PROGRAM_EDITABLE)
    return program


@transaction.atomic
def bonus_campaign_create(*, actor, brand_id: int, **fields) -> BonusCampaign:
    program = selectors.program_for_manager(brand_id=brand_id, user=actor)
    if fields["ends_at"] <= fields["starts_at"]:
        raise InvalidInput(fields={"ends_at": ["Must be after starts_at."]})
    if fields.get("product_id") and fields.get("collection_id"):
        raise InvalidInput(fields={"product_id": ["Target a product or a collection, not both."]})
    return BonusCampaign.objects.create(program=program, **fields)


@transaction.atomic
def reward_create(*, actor, brand_id: int, **fields) -> Reward:
    program = selectors.program_for_manager(brand_id=brand_id, user=actor)
    if fields["coupon_kind"] == Reward.CouponKind.PERCENT and fields["coupon_value"] > 100:
        raise InvalidInput(fields={"coupon_value": ["A percent coupon is at most 100."]})
    return Reward.objects.create(program=program, **fields)


@transaction.atomic
def tier_add(*, actor, brand_id: int, name: str, min_spend: int, multiplier_percent: int) -> Tier:
    """A new status level. Members reach it on their next purchase or at the scheduled
    re-evaluation of tiers; nobody is moved now."""
    program = selectors.program_for_manager(brand_id=brand_id, user=actor)
    locks.programs().filter(pk=program.pk).first()  # one tier change at a time per program
    taken = program.tiers.filter(Q(name=name) | Q(min_spend=min_spend)).first()
    if taken is not None:
        field = "name" if taken.name == name else "min_spend"
        raise InvalidInput(fields={field: [f"Another tier has this {field}."]})
    return Tier.objects.create(
        program=program, name=name, min_spend=min_spend, multiplier_percent=multiplier_percent
    )


REWARD_EDITABLE = {"name", "points_cost", "coupon_value", "min_spend", "valid_days"}


@transaction.atomic
def reward_update(*, actor, brand_id: int, reward_id: int, **changes) -> Reward:
    """Change an offered reward from now on; coupons already issued keep their terms."""
    reward = _reward_for_manager(actor=actor, brand_id=brand_id, reward_id=reward_id)
    unknown = set(changes) - REWARD_EDITABLE
    if unknown:
        raise InvalidInput(fields={name: ["Not editable."] for name in sorted(unknown)})
    if reward.coupon_kind == Reward.CouponKind.PERCENT and changes.get("coupon_value", 0) > 100:
        raise InvalidInput(fields={"coupon_value": ["A percent coupon is at most 100."]})
    model_update(reward, changes, fields=REWARD_EDITABLE)
    return reward


@transaction.atomic
def reward_retire(*, actor, brand_id: int, reward_id: int) -> None:
    """Stop offering a reward; redemptions already made stay (their coupons keep working)."""
    reward = _reward_for_manager(actor=actor, brand_id=brand_id, reward_id=reward_id)
    reward.is_active = False
    reward.save(update_fields=["is_active"])


def _reward_for_manager(*, actor, brand_id: int, reward_id: int) -> Reward:
    program = selectors.program_for_manager(brand_id=brand_id, user=actor)
    reward = locks.rewards().filter(program=program, pk=reward_id, is_active=True).first()
    if reward is None:
        raise errors.RewardNotFound()
    return reward
