"""How a pay order is stored so that paying it is cheap (migration 0011, docs/payments.md "The
physical ceiling"), and the setting that storage relies on."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from payments import services
from payments.models import PayOrder
from tests.payments.factories import PIN, merchant_app, pay_order, payer

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="HOT updates and fillfactor are PostgreSQL's"
)


def hot_updates_of_pay_orders() -> int:
    """This transaction's heap-only updates of pay orders so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_hot_updated(%s::regclass)", [PayOrder._meta.db_table]
        )
        return cursor.fetchone()[0]


@postgres_only
def test_paying_an_order_writes_no_index_entry_for_it():
    """No index covers a column the payment changes (status, fee, paid_at), so PostgreSQL
    writes the paid version beside the pending one without touching an index."""
    merchant, _ = merchant_app("Shop")
    buyer = payer(10_000)
    order = pay_order(merchant, buyer, 3000)
    before = hot_updates_of_pay_orders()
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    assert hot_updates_of_pay_orders() == before + 1


@postgres_only
def test_pay_order_pages_keep_room_for_the_paid_versions():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [PayOrder._meta.db_table]
        )
        assert cursor.fetchone()[0] == ["fillfactor=50"]


def test_a_pay_order_ttl_over_a_day_is_refused_at_start(settings):
    settings.PAYMENTS_PAYORDER_TTL = PayOrder.TTL_MAX + timedelta(minutes=1)
    with pytest.raises(SystemCheckError, match=r"payments\.E001"):
        call_command("check")
    settings.PAYMENTS_PAYORDER_TTL = PayOrder.TTL_MAX
    call_command("check")
