"""Checkout: pricing the lines, applying a coupon, snapshotting the shipping address and
reserving stock in one transaction."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from miniprograms import selectors as miniprogram_selectors
from miniprograms import services as miniprogram_services
from miniprograms.shop import locks, selectors
from miniprograms.shop.errors import (
    CART_EMPTY,
    COUPON_CURRENCY,
    COUPON_DISABLED,
    COUPON_EXPIRED,
    COUPON_LIMIT_REACHED,
    COUPON_MIN_SPEND,
    COUPON_NOT_FOUND,
    COUPON_NOT_YET_VALID,
    SHIPPING_ADDRESS_REQUIRED,
    SKU_NOT_FOUND,
    OutOfStock,
)
from miniprograms.shop.models import (
    CartItem,
    Coupon,
    CouponRedemption,
    Order,
    OrderLine,
    Shop,
    Team,
)
from miniprograms.shop.services.cart import _check_quantity, _reserve_stock
from miniprograms.shop.services.holds import (
    Hold,
    stock_hold,
    stock_hold_consume,
    stock_hold_release,
)
from miniprograms.shop.services.order_state import _announce
from miniprograms.shop.services.paid import _mark_paid
from miniprograms.shop.services.pricing import _unit_price, discounted
from miniprograms.shop.services.status import Status
from superapp.core import sql
from superapp.core.errors import DomainError, NotFound


def _coupon_discount(*, coupon_code: str, user, shop: Shop, currency: str, subtotal: int):
    """The coupon (row-locked, so its per-user limit holds under concurrency) and its
    discount on ``subtotal``; refuses codes that do not apply with a stable code."""
    coupon = locks.coupons().filter(brand_id=shop.brand_id, code=coupon_code).first()
    if coupon is None or (coupon.owner_id is not None and coupon.owner_id != user.pk):
        raise NotFound("No such coupon.", code=COUPON_NOT_FOUND)
    if coupon.disabled_at is not None:
        raise DomainError("This coupon is no longer offered.", code=COUPON_DISABLED)
    now = timezone.now()
    if coupon.valid_from and now < coupon.valid_from:
        raise DomainError("This coupon is not valid yet.", code=COUPON_NOT_YET_VALID)
    if coupon.valid_until and now >= coupon.valid_until:
        raise DomainError("This coupon has expired.", code=COUPON_EXPIRED)
    if coupon.currency and coupon.currency != currency:
        raise DomainError(f"This coupon is for {coupon.currency}.", code=COUPON_CURRENCY)
    if subtotal < coupon.min_spend:
        raise DomainError(
            "Spend more to use this coupon.", code=COUPON_MIN_SPEND, min_spend=coupon.min_spend
        )
    used = (
        CouponRedemption.objects.filter(coupon=coupon, user=user)
        .exclude(order__status=Status.CANCELLED)
        .count()
    )
    if used >= coupon.per_user_limit:
        raise DomainError("You have used this coupon already.", code=COUPON_LIMIT_REACHED)
    if coupon.kind == Coupon.Kind.FIXED:
        return coupon, min(coupon.value, subtotal)
    return coupon, subtotal - discounted(subtotal, coupon.value)


def _new_out_trade_no() -> str:
    return "shop" + secrets.token_hex(12)


def _checkout_items(shop: Shop, user, items: list[dict] | None) -> tuple[list[dict], int | None]:
    """The requested items, or the cart's when none are given (one read), with the cart's id
    to empty it."""
    if items:
        return items, None
    rows = list(
        CartItem.objects.filter(cart__user=user, cart__shop=shop)
        .order_by("id")
        .values_list("cart_id", "sku_id", "quantity")
    )
    if not rows:
        raise DomainError("Your cart is empty.", code=CART_EMPTY)
    return [{"sku_id": sku_id, "quantity": quantity} for _, sku_id, quantity in rows], rows[0][0]


def _priced_lines(
    shop: Shop,
    items: list[dict],
    currency: str,
    team_percent: int,
    unit_amounts: dict[int, int],
    held: bool,
) -> list:
    quantities: dict[int, int] = {}
    for item in items:
        quantities[item["sku_id"]] = quantities.get(item["sku_id"], 0) + item["quantity"]
    skus = selectors.skus_for_checkout(shop_id=shop.pk, sku_ids=quantities, currency=currency)
    lines = []
    for sku_id, quantity in quantities.items():
        if sku_id not in skus:
            raise NotFound("No such item in this shop.", code=SKU_NOT_FOUND, sku_id=sku_id)
        _check_quantity(quantity)
        sku, price = skus[sku_id]
        if not held and sku.stock < quantity:  # fast refusal; the UPDATE is the real guard
            raise OutOfStock(sku_id=sku_id)
        list_unit = _unit_price(sku, currency, price)
        unit = unit_amounts.get(sku_id, discounted(list_unit, team_percent))
        lines.append((sku, quantity, list_unit, unit))
    return lines


def _wanted(items: list[dict] | None) -> dict[int, int] | None:
    """{sku_id: units} of a buy-now checkout whose quantities are within the limits; None for a
    cart checkout or a quantity out of bounds, which go the whole way so that the checkout's
    errors keep their order."""
    if not items:
        return None
    quantities: dict[int, int] = {}
    for item in items:
        quantities[item["sku_id"]] = quantities.get(item["sku_id"], 0) + item["quantity"]
    if (
        not 0
        < min(quantities.values())
        <= max(quantities.values())
        <= settings.SHOP_MAX_LINE_QUANTITY
    ):
        return None
    return quantities


def _refuse_sold_out(shop_id: int, quantities: dict[int, int] | None) -> None:
    """Refuse a buyer whose items are on sale but short of stock before anything is written,
    with one read (a flash sale's whole audience after the last unit). An unknown SKU goes the
    whole way, so errors keep their order; the conditional decrement stays the real guard."""
    if quantities is None:
        return
    stock = selectors.sku_stock(shop_id=shop_id, sku_ids=quantities)
    if len(stock) == len(quantities):
        for sku_id, quantity in quantities.items():
            if stock[sku_id] < quantity:
                raise OutOfStock(sku_id=sku_id)


def order_checkout(*, actor, shop_id: int, items: list[dict] | None = None, **options) -> Order:
    """Create an order from ``items`` (or the cart) with a price snapshot, reserving stock for
    ``SHOP_RESERVATION_MINUTES``; unpaid, it is cancelled by beat and its stock released. It
    ships to ``shipping_address``, or to the buyer's saved address ``address_id``.

    ``unit_amounts`` ({sku_id: amount}, at most the list price) are prices agreed elsewhere (a
    live flash deal); an order placed in a live show records ``live_show_id`` and is attributed
    to the show's host (``live_host_id``) instead of a share link's associate. Sold-out items
    are refused before the transaction starts (``_refuse_sold_out``), and a buy-now checkout
    takes its units in a statement of its own before it (a stock hold, ``services/holds.py``),
    which the order's transaction consumes."""
    wanted = _wanted(items)
    _refuse_sold_out(shop_id, wanted)
    hold = stock_hold(shop_id=shop_id, quantities=wanted) if wanted else None
    if hold is None:  # a cart checkout, or short: the transaction reserves, or says why not
        return _order_checkout(actor=actor, shop_id=shop_id, items=items, **options)
    try:
        return _order_checkout(actor=actor, shop_id=shop_id, items=items, hold=hold, **options)
    except BaseException:
        stock_hold_release(hold)
        raise


def order_checkout_nested(
    *, actor, shop_id: int, items: list[dict] | None = None, **options
) -> Order:
    """``order_checkout`` inside its caller's transaction (a team's order, a live deal's),
    which it joins without a savepoint (docs/architecture.md, "Transactions"): a refusal rolls
    the whole caller back, as the caller wants. Its stock is reserved in that transaction."""
    _refuse_sold_out(shop_id, _wanted(items))
    return _order_checkout_joined(actor=actor, shop_id=shop_id, items=items, **options)


def _order_place(
    *,
    actor,
    shop_id: int,
    shipping_address: dict | None = None,
    address_id: int | None = None,
    items: list[dict] | None = None,
    currency: str | None = None,
    coupon_code: str = "",
    team: Team | None = None,
    team_percent: int = 0,
    unit_amounts: dict[int, int] | None = None,
    live_show_id: int | None = None,
    live_host_id: int | None = None,
    hold: Hold | None = None,
) -> Order:
    shop, attributed_associate_id = selectors.shop_for_checkout(shop_id=shop_id, user=actor)
    shipping_address = _shipping_snapshot(shop, actor, shipping_address, address_id)
    currency = currency or shop.currency
    items, cart_id = _checkout_items(shop, actor, items)
    lines = _priced_lines(
        shop, items, currency, team_percent, unit_amounts or {}, held=hold is not None
    )
    subtotal = sum(list_unit * quantity for _, quantity, list_unit, _ in lines)
    paid_total = sum(unit * quantity for _, quantity, _, unit in lines)
    coupon, coupon_discount = None, 0
    if coupon_code:
        coupon, coupon_discount = _coupon_discount(
            coupon_code=coupon_code, user=actor, shop=shop, currency=currency, subtotal=paid_total
        )
    order = Order(
        shop=shop,
        buyer=actor,
        out_trade_no=_new_out_trade_no(),
        currency=currency,
        subtotal=subtotal,
        discount=subtotal - paid_total + coupon_discount,
        total=paid_total - coupon_discount,
        coupon=coupon,
        team=team,
        associate_id=live_host_id if live_show_id is not None else attributed_associate_id,
        live_show_id=live_show_id,
        shipping_address=shipping_address,
        reserved_until=timezone.now() + timedelta(minutes=settings.SHOP_RESERVATION_MINUTES),
    )
    placed = [
        OrderLine(
            order=order,
            sku=sku,
            product=sku.product,
            title=sku.product.title,
            options=sku.options,
            list_unit_amount=list_unit,
            unit_amount=unit,
            quantity=quantity,
            amount=unit * quantity,
        )
        for sku, quantity, list_unit, unit in lines
    ]
    _insert_order(order, placed)
    _keep_lines(order, placed)
    if coupon is not None:
        CouponRedemption.objects.create(coupon=coupon, user=actor, order=order)
    if cart_id is not None:
        CartItem.objects.filter(cart_id=cart_id).delete()
    _announce(order, Status.CREATED)
    if hold is not None:
        stock_hold_consume(hold)
    else:  # last, so the contended SKU rows stay locked only until the commit that follows
        _reserve_stock({sku.pk: quantity for sku, quantity, _, _ in lines})
    if order.total == 0:  # fully covered by a coupon: there is no pay order to wait for
        _mark_paid(order, prepay_id="", paid_at=timezone.now())
    return order


def _insert_order(order: Order, lines: list[OrderLine]) -> None:
    """Write the order and its lines in one hand-written statement (superapp/core/sql.py): the
    ORM sent two and compiled each, a winning checkout's largest share of Python after the
    request itself."""
    line_rows = [sql.all_values(line) for line in lines]
    for row in line_rows:
        del row["order_id"]  # the statement links them to the order it inserts
    order_id, line_ids = sql.insert_with_children_ids(
        Order, sql.all_values(order), OrderLine, "order_id", line_rows
    )
    sql.saved(order, order_id)
    for line, line_id in zip(lines, line_ids, strict=True):
        line.order = order  # its id now, the order still cached
        sql.saved(line, line_id)


def _keep_lines(order: Order, lines: list[OrderLine]) -> None:
    """Keep the lines just written on ``order`` as Django's ``prefetch_related`` keeps them,
    so that answering the checkout (``OrderOutput``) does not read the order back: two
    statements and their ORM work off every winning checkout of a flash sale."""
    placed = order.lines.all()
    placed._result_cache, placed._prefetch_done = lines, True
    order._prefetched_objects_cache = {"lines": placed}


_order_checkout = transaction.atomic(_order_place)  # the buyer's checkout, an entry point
_order_checkout_joined = transaction.atomic(savepoint=False)(_order_place)


def _shipping_snapshot(shop: Shop, actor, shipping_address: dict | None, address_id) -> dict:
    """The address an order ships to, copied into the order: given inline, or picked from the
    buyer's address book (``address_id``, else their default address). Picking one is the
    buyer granting this shop the ``address`` scope (as choosing an address in a mini-program
    does), recorded with the other consents."""
    if shipping_address is not None:
        return shipping_address
    if address_id is not None:
        address = miniprogram_selectors.address_for_user(user=actor, address_id=address_id)
    else:
        address = miniprogram_selectors.default_address_for_user(user=actor)
        if address is None:
            raise DomainError(
                "Give a shipping address, or add one to your address book first.",
                code=SHIPPING_ADDRESS_REQUIRED,
            )
    miniprogram_services.consent_grant(user=actor, miniprogram=shop.miniprogram, scope="address")
    return {
        "name": address.recipient,
        "phone": address.phone,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "postal_code": address.postal_code,
        "region": "",
        "country": address.country,
    }
