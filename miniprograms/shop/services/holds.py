"""Stock holds: a checkout takes its units before its transaction, in one statement that
commits on its own (a short transaction of its own for several SKUs), so the SKU row of a
flash sale is locked for that statement only.

Reserving inside the order's transaction held the row lock until the commit, and the commit
comes after the thread gets the GIL back in a server process that runs sixteen requests: the
hundred winners of a flash sale queued on one row for up to two seconds each (docs/shop.md,
"Stock holds"). Now the winners' statements each lock the row for microseconds, and the order's
transaction consumes the hold (deletes its rows) instead of touching the SKU. Whatever goes
wrong after the hold gives the units back (``stock_hold_release``); a process that dies in
between leaves a hold that beat releases once it expires (``stock_holds_release_expired``).
Either the order's transaction consumes a hold or a release does, never both: both delete the
same rows first, and the one that deletes nothing stops.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from miniprograms.shop import locks
from miniprograms.shop.errors import OutOfStock
from miniprograms.shop.models import Product, Sku, StockHold
from miniprograms.shop.services.cart import _release_stock
from superapp.core import sql


@dataclass(frozen=True)
class Hold:
    token: uuid.UUID
    quantities: dict[int, int]  # sku_id: units taken


# One SKU (a flash sale's drop): the decrement and the hold's row in one statement, the row
# locked for that statement only. PostgreSQL only (a data-modifying WITH).
_HOLD_ONE_SQL = f"""
WITH taken AS (
    UPDATE {Sku._meta.db_table} s SET stock = s.stock - %s
    FROM {Product._meta.db_table} p
    WHERE s.id = %s AND s.shop_id = %s AND s.stock >= %s
      AND p.id = s.product_id AND p.status = %s
    RETURNING s.id)
INSERT INTO {StockHold._meta.db_table} (token, sku_id, quantity, expires_at)
SELECT %s, id, %s, %s FROM taken
RETURNING sku_id"""


def stock_hold(*, shop_id: int, quantities: dict[int, int]) -> Hold | None:
    """Take ``quantities`` ({sku_id: units}) of the shop's published SKUs, all or nothing; None
    when one of them is short, unknown or not on sale (nothing is kept: the caller's usual path
    then says which). Outside a transaction the units are taken and committed at once."""
    hold = Hold(token=uuid.uuid4(), quantities=dict(quantities))
    expires_at = timezone.now() + timedelta(seconds=settings.SHOP_STOCK_HOLD_SECONDS)
    if len(quantities) == 1 and connection.vendor == "postgresql":
        [(sku_id, quantity)] = quantities.items()
        taken = [quantity, sku_id, shop_id, quantity, Product.Status.PUBLISHED]
        rows = sql.fetch_all(_HOLD_ONE_SQL, [*taken, hold.token, quantity, expires_at])
        held = {sku_id for (sku_id,) in rows}
    else:
        held = _hold_statement_by_statement(hold, shop_id, expires_at)
    if held == set(quantities):
        return hold
    if held:
        stock_hold_release(hold)
    return None


def _hold_statement_by_statement(hold: Hold, shop_id: int, expires_at) -> set[int]:
    """Several SKUs (or SQLite, which has no data-modifying WITH): one short transaction that
    takes them in id order, as ``_reserve_stock`` does, so that two checkouts sharing SKUs
    cannot deadlock. (One statement for several rows could lock them in any order.)"""
    with transaction.atomic():
        held = [
            sku_id
            for sku_id, quantity in sorted(hold.quantities.items())
            if Sku.objects.filter(
                pk=sku_id,
                shop_id=shop_id,
                product__status=Product.Status.PUBLISHED,
                stock__gte=quantity,
            ).update(stock=F("stock") - quantity)
        ]
        StockHold.objects.bulk_create(
            StockHold(
                token=hold.token, sku_id=i, quantity=hold.quantities[i], expires_at=expires_at
            )
            for i in held
        )
    return set(held)


# By hand: the ORM's delete (its collector, then the compiled statement) cost a winning
# checkout more Python than the rest of its transaction's last statement.
_CONSUME_SQL = f"DELETE FROM {StockHold._meta.db_table} WHERE token = %s"


def stock_hold_consume(hold: Hold) -> None:
    """In the order's transaction: the hold becomes the order's reservation. Refuses (the
    transaction rolls back) when beat released it already, the checkout having outlived it."""
    consumed = sql.execute(_CONSUME_SQL, sql.row_params(StockHold, {"token": hold.token}))
    if consumed != len(hold.quantities):
        raise OutOfStock(sku_id=min(hold.quantities))


@transaction.atomic(savepoint=False)
def stock_hold_release(hold: Hold) -> bool:
    """Give a hold's units back, unless its order consumed it first. True if released."""
    rows = list(
        locks.stock_holds().filter(token=hold.token).values_list("pk", "sku_id", "quantity")
    )
    StockHold.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
    _release_stock({sku_id: quantity for _, sku_id, quantity in rows})
    return bool(rows)


def stock_holds_release_expired(*, now=None) -> int:
    """Beat: give back the units of holds whose checkout never finished. Returns how many
    holds (checkouts) were released."""
    now = now or timezone.now()
    tokens = set(StockHold.objects.filter(expires_at__lt=now).values_list("token", flat=True)[:500])
    return sum(stock_hold_release(Hold(token=t, quantities={})) for t in tokens)
