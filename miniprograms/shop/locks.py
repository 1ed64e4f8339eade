"""The shop app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from miniprograms.shop.models import (
    Cart,
    CatalogueImport,
    Coupon,
    Order,
    OrderLine,
    Product,
    RefundRequest,
    Review,
    StockHold,
    Team,
)
from superapp.core.locks import lock_objects


def carts(*, skip_locked: bool = False):
    return lock_objects(Cart.objects, skip_locked=skip_locked)


def catalogue_imports(*, skip_locked: bool = False):
    return lock_objects(CatalogueImport.objects, skip_locked=skip_locked)


def coupons(*, skip_locked: bool = False):
    return lock_objects(Coupon.objects, skip_locked=skip_locked)


def order_lines(*, skip_locked: bool = False):
    return lock_objects(OrderLine.objects, skip_locked=skip_locked)


def orders(*, skip_locked: bool = False):
    return lock_objects(Order.objects, skip_locked=skip_locked)


def products(*, skip_locked: bool = False):
    return lock_objects(Product.objects, skip_locked=skip_locked)


def refund_requests(*, skip_locked: bool = False):
    return lock_objects(RefundRequest.objects, skip_locked=skip_locked)


def reviews(*, skip_locked: bool = False):
    return lock_objects(Review.objects, skip_locked=skip_locked)


def teams(*, skip_locked: bool = False):
    return lock_objects(Team.objects, skip_locked=skip_locked)


def stock_holds(*, skip_locked: bool = False):
    return lock_objects(StockHold.objects, skip_locked=skip_locked)
