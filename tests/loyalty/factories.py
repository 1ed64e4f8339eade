"""Loyalty test world: brands with programs and staff, and the other apps' events emitted
exactly as shop, payments and official emit them."""

import itertools
from datetime import datetime

from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from loyalty import services
from loyalty.models import Client
from superapp.core.domain_events import declared_events, emit
from superapp.core.models import DomainEvent
from superapp.official import services as official_services
from tests.factories import UserFactory

_ids = itertools.count(1000)
TIERS = [
    {"name": "Member", "min_spend": 0, "multiplier_percent": 100},
    {"name": "Silver", "min_spend": 50_000, "multiplier_percent": 150},
    {"name": "Gold", "min_spend": 200_000, "multiplier_percent": 200},
]
PROGRAM_DEFAULTS = {
    "name": "Lune Rewards",
    "points_name": "moons",
    "currency": "EUR",
    "points_per_unit": 1,
    "redeem_points_per_unit": 100,
    "checkout_max_amount": 5_000,
    "checkout_max_percent": 50,
    "commission_bps": 500,
    "expiry_months": 12,
}


def url(brand, suffix: str) -> str:
    """A path of the brand's loyalty workspace API."""
    return f"/api/v1/loyalty/brands/{brand.pk}/{suffix}"


def client_of(brand, user) -> Client:
    """The brand's client-book row of ``user``."""
    return Client.objects.get(brand=brand, user=user)


def make_brand(owner=None, name="Maison Lune"):
    return official_services.brand_create(actor=owner or UserFactory(), name=name)


def brand_owner(brand):
    return brand.members.get(role="owner").user


def make_program(brand, **overrides):
    rules = {**PROGRAM_DEFAULTS, "tiers": TIERS, **overrides}
    return services.program_create(actor=brand_owner(brand), brand_id=brand.pk, **rules)


def add_staff(brand, role="associate", user=None):
    user = user or UserFactory()
    official_services.brand_member_add(
        actor=brand_owner(brand), brand_id=brand.pk, user=user, role=role
    )
    return user


def emit_event(event_type: str, payload: dict) -> DomainEvent:
    """Emit as another app does, in its own transaction; listeners run after commit. The
    payload must match the event's declaration (the emitting app's events.py)."""
    event = declared_events()[event_type].from_payload(payload)
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        return emit(event)


def order_paid(brand, user, amount, *, paid_at: datetime | None = None, **extra) -> dict:
    """``shop.order_paid`` for a one-line order; returns the payload."""
    order_id = next(_ids)
    payload = {
        "order_id": order_id,
        "shop_id": 1,
        "brand_id": brand.pk,
        "buyer_user_id": user.pk,
        "amount": amount,
        "currency": "EUR",
        "prepay_id": f"wx{order_id}",
        "paid_at": (paid_at or timezone.now()).isoformat(),
        "lines": [
            {"product_id": 1, "sku_id": 1, "collection_ids": [], "quantity": 1, "amount": amount}
        ],
        "associate_user_id": None,
        "live_show_id": None,
        **extra,
    }
    emit_event("shop.order_paid", payload)
    return payload


def order_refunded(brand, order: dict, amount: int) -> None:
    emit_event(
        "shop.order_refunded",
        {
            "order_id": order["order_id"],
            "brand_id": brand.pk,
            "buyer_user_id": order["buyer_user_id"],
            "amount": amount,
            "currency": order["currency"],
            "order_amount": order["amount"],
        },
    )


def payorder_paid(brand, user, amount, prepay_id=None) -> dict:
    payload = {
        "prepay_id": prepay_id or f"wx{next(_ids)}",
        "app_id": "mpshop",
        "organisation_id": brand.developer_organisation_id,
        "payer_user_id": user.pk,
        "amount": amount,
        "currency": "EUR",
        "out_trade_no": f"T{next(_ids)}",
        "paid_at": timezone.now().isoformat(),
    }
    emit_event("payments.payorder_paid", payload)
    return payload


def payorder_refunded(brand, payorder: dict, amount: int, refunded_total: int) -> None:
    emit_event(
        "payments.payorder_refunded",
        {
            "refund_id": str(next(_ids)),
            "prepay_id": payorder["prepay_id"],
            "app_id": payorder["app_id"],
            "organisation_id": brand.developer_organisation_id,
            "payer_user_id": payorder["payer_user_id"],
            "amount": amount,
            "currency": "EUR",
            "order_amount": payorder["amount"],
            "refunded_total": refunded_total,
        },
    )


def events_of(event_type: str) -> list[dict]:
    return list(
        DomainEvent.objects.filter(type=event_type).order_by("pk").values_list("payload", flat=True)
    )


def follow(brand, user):
    """``user`` follows one of the brand's accounts, as official's event tells loyalty."""
    emit_event(
        "official.account_followed", {"brand_id": brand.pk, "account_id": 1, "user_id": user.pk}
    )
