"""The statements of an earning (docs/loyalty.md, "Earning: statements and CPU"): every paid
order runs it, twice for a shop order (``payments.payorder_paid`` then ``shop.order_paid``).
Like the payment's (tests/payments/test_ledger.py), a regression shows here first."""

import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from loyalty import services
from loyalty.models import Client, Member, Purchase
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.loyalty.factories import make_brand, make_program

pytestmark = pytest.mark.django_db
_orders = itertools.count(1)


def purchase(brand, user, **keys):
    return services.purchase_record(
        brand_id=brand.pk,
        user_id=user.pk,
        source=Purchase.Source.SHOP_ORDER,
        amount=5000,
        currency="EUR",
        paid_at=timezone.now(),
        **keys,
    )


def delivery():
    """The transaction of the domain-event delivery the earning runs in (loyalty's listeners):
    ``purchase_record`` is a nested service that joins it without a savepoint."""
    return transaction.atomic()


def test_an_earning_is_a_fixed_handful_of_statements():
    """The purchase (one INSERT … ON CONFLICT), the program, the member with its tier (and a
    referrer, locked in id order, in the same statement), the client book's upsert, the next
    tier's threshold (not reached: no spend summed, no tier read), campaigns, the entry with its
    lot, the member, and the purchase's member and points."""
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)
    purchase(brand, buyer, order_id=next(_orders))  # enrols the member and opens the client

    with one_transaction() as statements, delivery():
        earned = purchase(brand, buyer, order_id=next(_orders))

    assert len(statements) == 9, statements
    member = Member.objects.get(user=buyer)
    assert member.rolling_spend == 10_000
    assert earned.points_awarded > 0 and earned.member_id == member.pk
    client = Client.objects.get(brand=brand, user=buyer)
    assert (client.member_id, client.last_purchase_at) == (member.pk, earned.paid_at)


def test_an_event_seen_again_reads_its_purchase_and_stops():
    brand, buyer = make_brand(), UserFactory()
    make_program(brand)
    order_id = next(_orders)
    first = purchase(brand, buyer, order_id=order_id)

    with one_transaction() as statements, delivery():
        again = purchase(brand, buyer, order_id=order_id)

    assert len(statements) == 2, statements  # the INSERT that did nothing, the locked read
    assert again.pk == first.pk and Purchase.objects.count() == 1
