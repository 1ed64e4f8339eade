"""The statements of an earning (docs/loyalty.md, "Earning: statements and CPU"): every paid
order runs it, twice for a shop order (``payments.payorder_paid`` then ``shop.order_paid``).
Like the payment's (tests/payments/test_ledger.py), a regression shows here first."""

import itertools
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from loyalty import services
from loyalty.models import Client, Member, Purchase
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.loyalty.factories import brand_owner, make_brand, make_program

pytestmark = pytest.mark.django_db
_orders = itertools.count(1)


def purchase(brand, user, source=Purchase.Source.SHOP_ORDER, amount=5000, **keys):
    return services.purchase_record(
        brand_id=brand.pk,
        user_id=user.pk,
        source=source,
        amount=amount,
        currency="EUR",
        paid_at=timezone.now(),
        **keys,
    )


def delivery():
    """The transaction of the domain-event delivery the earning runs in (loyalty's listeners):
    ``purchase_record`` is a nested service that joins it without a savepoint."""
    return transaction.atomic()


def test_an_earning_is_three_statements():
    """The purchase (one INSERT … ON CONFLICT); the member locked with its tier, its program,
    the next tier's threshold and whether a bonus campaign runs (and a referrer, locked in id
    order, in the same statement); then one data-modifying WITH: the entry with its lot, the
    client book's upsert, the member and the purchase. The next tier is not reached: no spend
    summed, no tier read; no campaign runs: none read."""
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)
    purchase(brand, buyer, order_id=next(_orders))  # enrols the member and opens the client

    with one_transaction() as statements, delivery():
        earned = purchase(brand, buyer, order_id=next(_orders))

    assert len(statements) == 3, statements
    member = Member.objects.get(user=buyer)
    assert (member.rolling_spend, member.points) == (10_000, 100)
    assert earned.points_awarded == 50 and earned.member_id == member.pk
    assert Purchase.objects.get(pk=earned.pk).points_awarded == 50
    client = Client.objects.get(brand=brand, user=buyer)
    assert (client.member_id, client.last_purchase_at) == (member.pk, earned.paid_at)


def test_a_purchase_reaching_the_next_tier_sums_the_spend_and_reads_the_tier_at_once():
    """Three statements and two more: the purchase's member written (so the sum counts it),
    then the exact 12-month spend and the tier it reaches in one read."""
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)  # Silver from 500 EUR, x1.5
    purchase(brand, buyer, order_id=next(_orders))

    with one_transaction() as statements, delivery():
        earned = purchase(brand, buyer, order_id=next(_orders), amount=50_000)

    assert len(statements) == 5, statements
    member = Member.objects.select_related("tier").get(user=buyer)
    assert (member.tier.name, member.rolling_spend) == ("Silver", 55_000)
    assert earned.points_awarded == 750


def test_a_running_bonus_campaign_is_read_only_then():
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)
    now = timezone.now()
    services.bonus_campaign_create(
        actor=brand_owner(brand),
        brand_id=brand.pk,
        name="Double",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        multiplier_percent=200,
    )
    purchase(brand, buyer, order_id=next(_orders))

    with one_transaction() as statements, delivery():
        earned = purchase(brand, buyer, order_id=next(_orders))

    assert len(statements) == 4, statements  # and the campaigns, after the member's read
    assert "loyalty_bonuscampaign" in statements[2]
    assert earned.points_awarded == 100


def test_the_shop_order_enriching_its_pay_order_is_four_statements():
    """The INSERT that conflicts, the purchase locked, the member's read, the writes; only
    the extra points of the lines' campaigns would be awarded (none here)."""
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)
    purchase(brand, buyer, order_id=next(_orders))
    paid = purchase(brand, buyer, Purchase.Source.PAY_ORDER, prepay_id="wx-enriched")

    with one_transaction() as statements, delivery():
        enriched = purchase(brand, buyer, order_id=next(_orders), prepay_id="wx-enriched")

    assert len(statements) == 4, statements
    assert enriched.pk == paid.pk
    stored = Purchase.objects.get(pk=paid.pk)
    assert (stored.source, stored.order_id, stored.points_awarded) == (
        "shop_order",
        enriched.order_id,
        50,
    )
    assert Member.objects.get(user=buyer).points == 100


def test_an_event_seen_again_reads_its_purchase_and_stops():
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)
    order_id = next(_orders)
    first = purchase(brand, buyer, order_id=order_id)

    with one_transaction() as statements, delivery():
        again = purchase(brand, buyer, order_id=order_id)

    assert len(statements) == 2, statements  # the INSERT that did nothing, the locked read
    assert again.pk == first.pk and Purchase.objects.count() == 1
