"""Shop coupons: created by staff, or issued as a loyalty reward."""

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms.shop import locks, selectors
from miniprograms.shop.errors import COUPON_EXISTS, COUPON_NOT_FOUND
from miniprograms.shop.models import (
    Coupon,
)
from superapp.core.errors import Conflict, InvalidInput, NotFound
from superapp.official.selectors import MANAGERS

# --- Coupons -------------------------------------------------------------------------------------


@transaction.atomic
def coupon_create(*, actor, shop_id: int, **fields) -> Coupon:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    return _coupon_create(brand_id=shop.brand_id, **fields)


def _coupon_create(*, brand_id: int, **fields) -> Coupon:
    if fields["kind"] == Coupon.Kind.FIXED and not fields.get("currency"):
        raise InvalidInput(fields={"currency": ["Fixed coupons need a currency."]})
    if fields["kind"] == Coupon.Kind.PERCENT and not 1 <= fields["value"] <= 100:
        raise InvalidInput(fields={"value": ["A percentage is 1-100."]})
    try:
        with transaction.atomic():
            return Coupon.objects.create(brand_id=brand_id, **fields)
    except IntegrityError as exc:
        raise Conflict("This coupon code exists.", code=COUPON_EXISTS) from exc


@transaction.atomic
def coupon_disable(*, actor, shop_id: int, coupon_id: int) -> Coupon:
    """Checkout refuses the code from now on (orders that used it keep it); disabling a
    disabled coupon changes nothing."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    coupon = (
        locks.coupons().filter(brand_id=shop.brand_id, owner__isnull=True, pk=coupon_id).first()
    )
    if coupon is None:
        raise NotFound("No such coupon.", code=COUPON_NOT_FOUND)
    if coupon.disabled_at is None:
        coupon.disabled_at = timezone.now()
        coupon.save(update_fields=["disabled_at"])
    return coupon


@transaction.atomic(savepoint=False)
def coupon_issue_reward(*, redemption_id: int, brand_id: int, user_id: int, coupon: dict) -> Coupon:
    """A personal coupon for a loyalty reward; issuing the same redemption twice is a no-op."""
    existing = Coupon.objects.filter(loyalty_redemption_id=redemption_id).first()
    if existing is not None:
        return existing
    valid_until = coupon.get("valid_until")
    return _coupon_create(
        brand_id=brand_id,
        code=f"R{redemption_id}-{secrets.token_hex(3).upper()}",
        kind=coupon["kind"],
        value=coupon["value"],
        currency=coupon.get("currency") or "",
        min_spend=coupon.get("min_spend") or 0,
        per_user_limit=1,
        valid_until=datetime.fromisoformat(valid_until) if valid_until else None,
        owner_id=user_id,
        loyalty_redemption_id=redemption_id,
    )
