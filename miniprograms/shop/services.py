"""Every write of the shop: enabling, catalogue, carts, checkout, the order state machine,
coupons, group buying, reviews and attribution.

Stock is reserved at checkout with one conditional ``UPDATE ... SET stock = stock - q WHERE
stock >= q`` per SKU (in SKU-id order, so concurrent checkouts cannot deadlock) and released
with the opposite update; a buyer who misses gets 409 ``out_of_stock`` and nothing is written.
Money never moves here: refunds are recorded as approved :class:`RefundRequest` rows that
``payment.py`` executes through payments (right after commit, and by beat), and payments'
events drive ``order_pay``/``refund_record_executed``.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import DataError, IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from miniprograms import selectors as miniprogram_selectors
from miniprograms import services as miniprogram_services
from miniprograms.shop import events, selectors, storefront
from miniprograms.shop.models import (
    MAX_STOCK,
    Attribution,
    Cart,
    CartItem,
    Collection,
    Coupon,
    CouponRedemption,
    Order,
    OrderLine,
    OrderStatusChange,
    Product,
    RefundRequest,
    Review,
    ReviewReport,
    ShareLink,
    Shop,
    Sku,
    SkuPrice,
    Team,
    TeamTier,
)
from superapp.core.domain_events import emit
from superapp.core.errors import Conflict, DomainError, InvalidInput, NotFound
from superapp.media import selectors as media_selectors
from superapp.official.selectors import MANAGERS, brand_for_member
from superapp.realtime.services import event_publish

Status = Order.Status

logger = logging.getLogger(__name__)


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_detail = "Not enough stock left for this item."


class InvalidTransition(DomainError):
    code = "invalid_order_status"
    default_detail = "The order cannot make this change in its current status."


# --- Shop ----------------------------------------------------------------------------------------


@transaction.atomic
def shop_enable(*, actor, brand_id: int, name: str = "", currency: str = "EUR") -> Shop:
    """Open the brand's shop: a mini-program of the brand's developer organisation, peer of
    third-party apps (its own app_id and OAuth client, used for pay orders)."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    if Shop.objects.filter(brand=brand).exists():
        raise Conflict("This brand already has a shop.", code="shop_already_enabled")
    name = name or f"{brand.name} Shop"
    miniprogram, _secret = miniprogram_services.miniprogram_register(
        actor=actor, organisation=brand.developer_organisation, name=name
    )
    shop = Shop.objects.create(brand=brand, miniprogram=miniprogram, name=name, currency=currency)
    _storefront_release(shop)
    return shop


def _storefront_release(shop: Shop) -> None:
    """The shop's mini-program serves the built storefront at once; without a build (a
    checkout that never ran `make web-build`) the shop opens anyway and says so in the log;
    ``manage.py storefront_release`` releases it later."""
    try:
        storefront.storefront_release(shop=shop)
    except Conflict as exc:
        logger.warning("storefront not released for shop %s: %s", shop.pk, exc.detail)


# --- Catalogue -----------------------------------------------------------------------------------


@transaction.atomic
def collection_create(*, actor, shop_id: int, title: str) -> Collection:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    try:
        with transaction.atomic():
            return Collection.objects.create(shop=shop, title=title)
    except IntegrityError as exc:
        raise Conflict("A collection with this title exists.", code="collection_exists") from exc


def _collections_of(shop: Shop, collection_ids: list[int]) -> list[Collection]:
    found = list(Collection.objects.filter(shop=shop, pk__in=collection_ids))
    if len(found) != len(set(collection_ids)):
        raise InvalidInput(fields={"collection_ids": ["Unknown collection for this shop."]})
    return found


_WEB_URL = URLValidator(schemes=["http", "https"])


def _image_urls(actor, references: list, purpose: str) -> list[str]:
    """Upload ids (the actor's own public uploads for ``purpose``) become their lasting
    addresses; URLs stay."""
    return media_selectors.public_image_urls(actor=actor, references=references, purpose=purpose)


def _check_images(images: list[str]) -> None:
    if len(images) > settings.SHOP_MAX_PRODUCT_IMAGES:
        raise InvalidInput(
            fields={"images": [f"At most {settings.SHOP_MAX_PRODUCT_IMAGES} images."]},
            code="too_many_images",
        )
    for image in images:
        try:
            _WEB_URL(image)
        except DjangoValidationError as exc:
            raise InvalidInput(fields={"images": ["Each image is an http(s) URL."]}) from exc


def _set_team_tiers(product: Product, tiers: list[dict]) -> None:
    sizes = [t["size"] for t in tiers]
    discounts = [t["discount_percent"] for t in sorted(tiers, key=lambda t: t["size"])]
    if len(set(sizes)) != len(sizes) or discounts != sorted(set(discounts)):
        raise InvalidInput(
            fields={"team_tiers": ["Sizes must be distinct; bigger teams get bigger discounts."]}
        )
    product.team_tiers.all().delete()
    TeamTier.objects.bulk_create(TeamTier(product=product, **t) for t in tiers)


@transaction.atomic
def product_create(
    *,
    actor,
    shop_id: int,
    handle: str,
    title: str,
    description: str = "",
    images: list[str] | None = None,
    option_names: list[str] | None = None,
    collection_ids: list[int] | None = None,
    team_tiers: list[dict] | None = None,
) -> Product:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    return _product_create(
        shop=shop,
        handle=handle,
        title=title,
        description=description,
        images=_image_urls(actor, images or [], "product"),
        option_names=option_names or [],
        collections=_collections_of(shop, collection_ids or []),
        team_tiers=team_tiers or [],
    )


def _product_create(
    *, shop, handle, title, description, images, option_names, collections, team_tiers
):
    _check_images(images)
    try:
        with transaction.atomic():
            product = Product.objects.create(
                shop=shop,
                handle=handle,
                title=title,
                description=description,
                images=images,
                option_names=option_names,
            )
    except IntegrityError as exc:
        raise Conflict("A product with this handle exists.", code="product_exists") from exc
    product.collections.set(collections)
    _set_team_tiers(product, team_tiers)
    return product


def _staff_product(actor, shop_id: int, product_id: int) -> Product:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    product = Product.objects.select_for_update().filter(shop=shop, pk=product_id).first()
    if product is None:
        raise NotFound("No such product.", code="product_not_found")
    return product


@transaction.atomic
def product_update(*, actor, shop_id: int, product_id: int, **changes) -> Product:
    """Change the given fields (title, description, images, collection_ids, team_tiers)."""
    product = _staff_product(actor, shop_id, product_id)
    if "collection_ids" in changes:
        product.collections.set(_collections_of(product.shop, changes.pop("collection_ids")))
    if "team_tiers" in changes:
        _set_team_tiers(product, changes.pop("team_tiers"))
    if "images" in changes:
        _check_images(changes["images"])
        changes["images"] = _image_urls(actor, changes["images"], "product")
    for field, value in changes.items():
        setattr(product, field, value)
    product.save()
    return product


@transaction.atomic
def product_publish(*, actor, shop_id: int, product_id: int, published: bool) -> Product:
    """Publishing needs at least one SKU with a price; unpublishing hides it from buyers."""
    product = _staff_product(actor, shop_id, product_id)
    _set_published(product, published)
    return product


def _set_published(product: Product, published: bool) -> None:
    if published and not SkuPrice.objects.filter(sku__product=product).exists():
        raise DomainError("Add a priced SKU before publishing.", code="product_incomplete")
    product.status = Product.Status.PUBLISHED if published else Product.Status.DRAFT
    product.published_at = timezone.now() if published else None
    product.save(update_fields=["status", "published_at", "updated_at"])


def _check_options(product: Product, options: dict) -> None:
    if sorted(options) != sorted(product.option_names):
        raise InvalidInput(
            fields={"options": [f"Give exactly the options {product.option_names}."]},
            code="invalid_options",
        )


def _set_prices(sku: Sku, prices: list[dict]) -> None:
    for price in prices:
        if price["currency"] not in settings.PAYMENTS_CURRENCIES:
            raise InvalidInput(
                fields={"currency": [f"One of {', '.join(settings.PAYMENTS_CURRENCIES)}."]},
                code="unsupported_currency",
            )
        if price["amount"] > settings.PAYMENTS_MAX_AMOUNT:
            raise InvalidInput(
                fields={"price": [f"At most {settings.PAYMENTS_MAX_AMOUNT}."]}, code="invalid_price"
            )
        compare_at = price.get("compare_at_amount")
        if compare_at is not None and compare_at <= price["amount"]:
            raise InvalidInput(
                fields={"compare_at_amount": ["Must be above the price."]}, code="invalid_price"
            )
        SkuPrice.objects.update_or_create(
            sku=sku,
            currency=price["currency"],
            defaults={"amount": price["amount"], "compare_at_amount": compare_at},
        )


@transaction.atomic
def sku_create(
    *,
    actor,
    shop_id: int,
    product_id: int,
    code: str,
    options: dict,
    stock: int,
    prices: list[dict],
) -> Sku:
    product = _staff_product(actor, shop_id, product_id)
    return _sku_create(product=product, code=code, options=options, stock=stock, prices=prices)


def _sku_create(*, product, code, options, stock, prices) -> Sku:
    _check_options(product, options)
    try:
        with transaction.atomic():
            sku = Sku.objects.create(
                product=product, shop=product.shop, code=code, options=options, stock=stock
            )
    except IntegrityError as exc:
        raise Conflict("A SKU with this code or these options exists.", code="sku_exists") from exc
    _set_prices(sku, prices)
    return sku


@transaction.atomic
def sku_update(
    *, actor, shop_id: int, sku_id: int, stock: int | None = None, prices: list | None = None
) -> Sku:
    """Set the stock on hand (what is left to sell) and/or prices of a SKU."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    sku = Sku.objects.filter(shop=shop, pk=sku_id).first()
    if sku is None:
        raise NotFound("No such SKU.", code="sku_not_found")
    if stock is not None:
        Sku.objects.filter(pk=sku.pk).update(stock=stock)
    _set_prices(sku, prices or [])
    sku.refresh_from_db()
    return sku


# --- Cart ----------------------------------------------------------------------------------------


def _sellable_sku(shop: Shop, sku_id: int) -> Sku:
    sku = (
        Sku.objects.select_related("product")
        .filter(pk=sku_id, shop=shop, product__status=Product.Status.PUBLISHED)
        .first()
    )
    if sku is None:
        raise NotFound("No such item in this shop.", code="sku_not_found")
    return sku


def _check_quantity(quantity: int) -> None:
    if quantity > settings.SHOP_MAX_LINE_QUANTITY:
        raise InvalidInput(
            fields={"quantity": [f"At most {settings.SHOP_MAX_LINE_QUANTITY} per item."]},
            code="quantity_limit",
        )


@transaction.atomic
def cart_item_set(*, actor, shop_id: int, sku_id: int, quantity: int) -> Cart:
    """Put ``quantity`` of a SKU in the user's cart of this shop (0 removes it)."""
    shop = selectors.shop_get(shop_id=shop_id)
    cart, _ = Cart.objects.get_or_create(user=actor, shop=shop)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if quantity == 0:
        CartItem.objects.filter(cart=cart, sku_id=sku_id).delete()
    else:
        sku = _sellable_sku(shop, sku_id)
        _check_quantity(quantity)
        other_lines = CartItem.objects.filter(cart=cart).exclude(sku=sku).count()
        if other_lines >= settings.SHOP_MAX_CART_LINES:
            raise DomainError(
                f"A cart holds at most {settings.SHOP_MAX_CART_LINES} items.", code="cart_full"
            )
        CartItem.objects.update_or_create(cart=cart, sku=sku, defaults={"quantity": quantity})
    cart.save(update_fields=["updated_at"])
    return cart


# --- Checkout ------------------------------------------------------------------------------------


def _reserve_stock(quantities: dict[int, int]) -> None:
    """Take stock for every SKU or for none (the caller's transaction rolls back)."""
    for sku_id in sorted(quantities):
        taken = Sku.objects.filter(pk=sku_id, stock__gte=quantities[sku_id]).update(
            stock=F("stock") - quantities[sku_id]
        )
        if not taken:
            raise OutOfStock(sku_id=sku_id)


def _release_stock(quantities: dict[int, int]) -> None:
    for sku_id in sorted(quantities):
        if quantities[sku_id]:
            Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantities[sku_id])


def _unit_price(sku: Sku, currency: str) -> int:
    price = next((p for p in sku.prices.all() if p.currency == currency), None)
    if price is None:
        raise DomainError(
            f"{sku.code} has no price in {currency}.", code="price_unavailable", sku_id=sku.pk
        )
    return price.amount


def discounted(amount: int, percent: int) -> int:
    """``amount`` less ``percent``%, rounded half up to the minor unit."""
    return (amount * (100 - percent) + 50) // 100


def _coupon_discount(*, coupon_code: str, user, shop: Shop, currency: str, subtotal: int):
    """The coupon (row-locked, so its per-user limit holds under concurrency) and its
    discount on ``subtotal``; refuses codes that do not apply with a stable code."""
    coupon = (
        Coupon.objects.select_for_update().filter(brand_id=shop.brand_id, code=coupon_code).first()
    )
    if coupon is None or (coupon.owner_id is not None and coupon.owner_id != user.pk):
        raise NotFound("No such coupon.", code="coupon_not_found")
    now = timezone.now()
    if coupon.valid_from and now < coupon.valid_from:
        raise DomainError("This coupon is not valid yet.", code="coupon_not_yet_valid")
    if coupon.valid_until and now >= coupon.valid_until:
        raise DomainError("This coupon has expired.", code="coupon_expired")
    if coupon.currency and coupon.currency != currency:
        raise DomainError(f"This coupon is for {coupon.currency}.", code="coupon_currency")
    if subtotal < coupon.min_spend:
        raise DomainError(
            "Spend more to use this coupon.", code="coupon_min_spend", min_spend=coupon.min_spend
        )
    used = (
        CouponRedemption.objects.filter(coupon=coupon, user=user)
        .exclude(order__status=Status.CANCELLED)
        .count()
    )
    if used >= coupon.per_user_limit:
        raise DomainError("You have used this coupon already.", code="coupon_limit_reached")
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
        raise DomainError("Your cart is empty.", code="cart_empty")
    return [{"sku_id": sku_id, "quantity": quantity} for _, sku_id, quantity in rows], rows[0][0]


def _priced_lines(
    shop: Shop, items: list[dict], currency: str, team_percent: int, unit_amounts: dict[int, int]
) -> list:
    quantities: dict[int, int] = {}
    for item in items:
        quantities[item["sku_id"]] = quantities.get(item["sku_id"], 0) + item["quantity"]
    skus = {
        s.pk: s
        for s in Sku.objects.select_related("product")
        .prefetch_related("prices")
        .filter(pk__in=quantities, shop=shop, product__status=Product.Status.PUBLISHED)
    }
    lines = []
    for sku_id, quantity in quantities.items():
        if sku_id not in skus:
            raise NotFound("No such item in this shop.", code="sku_not_found", sku_id=sku_id)
        _check_quantity(quantity)
        sku = skus[sku_id]
        if sku.stock < quantity:  # fast refusal; the conditional UPDATE is the real guard
            raise OutOfStock(sku_id=sku_id)
        list_unit = _unit_price(sku, currency)
        unit = unit_amounts.get(sku_id, discounted(list_unit, team_percent))
        lines.append((sku, quantity, list_unit, unit))
    return lines


@transaction.atomic
def order_checkout(
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
) -> Order:
    """Create an order from ``items`` (or the cart) with a price snapshot, reserving stock for
    ``SHOP_RESERVATION_MINUTES``; unpaid, it is cancelled by beat and its stock released. It
    ships to ``shipping_address``, or to the buyer's saved address ``address_id``.

    ``unit_amounts`` ({sku_id: amount}, at most the list price) are prices agreed elsewhere (a
    live flash deal); an order placed in a live show records ``live_show_id`` and is attributed
    to the show's host (``live_host_id``) instead of a share link's associate."""
    shop = selectors.shop_get(shop_id=shop_id)
    shipping_address = _shipping_snapshot(shop, actor, shipping_address, address_id)
    currency = currency or shop.currency
    items, cart_id = _checkout_items(shop, actor, items)
    lines = _priced_lines(shop, items, currency, team_percent, unit_amounts or {})
    subtotal = sum(list_unit * quantity for _, quantity, list_unit, _ in lines)
    paid_total = sum(unit * quantity for _, quantity, _, unit in lines)
    coupon, coupon_discount = None, 0
    if coupon_code:
        coupon, coupon_discount = _coupon_discount(
            coupon_code=coupon_code, user=actor, shop=shop, currency=currency, subtotal=paid_total
        )
    _reserve_stock({sku.pk: quantity for sku, quantity, _, _ in lines})
    order = Order.objects.create(
        shop=shop,
        buyer=actor,
        out_trade_no=_new_out_trade_no(),
        currency=currency,
        subtotal=subtotal,
        discount=subtotal - paid_total + coupon_discount,
        total=paid_total - coupon_discount,
        coupon=coupon,
        team=team,
        associate_id=(
            live_host_id
            if live_show_id is not None
            else selectors.attributed_associate_id(user=actor, shop=shop)
        ),
        live_show_id=live_show_id,
        shipping_address=shipping_address,
        reserved_until=timezone.now() + timedelta(minutes=settings.SHOP_RESERVATION_MINUTES),
    )
    OrderLine.objects.bulk_create(
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
    )
    if coupon is not None:
        CouponRedemption.objects.create(coupon=coupon, user=actor, order=order)
    if cart_id is not None:
        CartItem.objects.filter(cart_id=cart_id).delete()
    _announce(order, Status.CREATED)
    if order.total == 0:  # fully covered by a coupon: there is no pay order to wait for
        _mark_paid(order, prepay_id="", paid_at=timezone.now())
    return order


# --- Order state machine -------------------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    Status.CREATED: {Status.PAID, Status.CANCELLED},
    Status.PAID: {Status.SHIPPED, Status.REFUND_REQUESTED, Status.REFUNDED},
    Status.SHIPPED: {Status.DELIVERED, Status.REFUND_REQUESTED},
    Status.DELIVERED: {Status.COMPLETED, Status.REFUND_REQUESTED},
    Status.REFUND_REQUESTED: {Status.REFUNDED, Status.PAID, Status.SHIPPED, Status.DELIVERED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
    Status.REFUNDED: set(),
}

NOTIFICATIONS: dict[str, tuple[str, str]] = {
    Status.CREATED: ("Order placed", "Pay within {minutes} minutes to keep your items."),
    Status.PAID: ("Payment received", "We are preparing your order."),
    Status.SHIPPED: ("Order shipped", "Your order is on its way with {carrier}: {tracking}."),
    Status.DELIVERED: ("Order delivered", "Your order has arrived. Enjoy!"),
    Status.COMPLETED: ("Order completed", "Thank you for shopping with us."),
    Status.CANCELLED: ("Order cancelled", "Your order was cancelled and nothing was charged."),
    Status.REFUND_REQUESTED: ("Refund requested", "The shop is reviewing your refund request."),
    Status.REFUNDED: ("Order refunded", "Your refund is on its way back to your wallet."),
}


def _announce(order: Order, status: str) -> None:
    """Tell loyalty/messaging (domain event) and the buyer's devices (realtime) — after commit."""
    title, body = NOTIFICATIONS[status]
    body = body.format(
        minutes=settings.SHOP_RESERVATION_MINUTES,
        carrier=order.carrier,
        tracking=order.tracking_number,
    )
    emit(
        events.OrderStatusChanged(
            order_id=order.pk,
            brand_id=order.shop.brand_id,
            buyer_user_id=order.buyer_id,
            status=status,
            title=title,
            body=body,
        )
    )
    event_publish(
        user_ids=[order.buyer_id],
        type="shop.order_updated",
        payload={"order": {"id": order.pk, "shop_id": order.shop_id, "status": status}},
    )


def _status_before_refund_request(order: Order) -> str:
    return order.history.filter(to_status=Status.REFUND_REQUESTED).latest("id").from_status


def _transition(order: Order, to: str, note: str = "") -> None:
    """Move a row-locked order along the state machine, record it and announce it. An order
    under a refund request leaves it only refunded or back where it was (request rejected):
    shipping or delivering it meanwhile would skip steps."""
    allowed = TRANSITIONS[order.status]
    if order.status == Status.REFUND_REQUESTED:
        allowed = {Status.REFUNDED, _status_before_refund_request(order)}
    if to not in allowed:
        raise InvalidTransition(status=order.status, to=to)
    OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=to, note=note)
    order.status = to
    order.save()
    _announce(order, to)


def _locked_order(**lookup) -> Order:
    """The order, row-locked. Only the order: the shop row it joins is shared by every order
    of the shop and must never be locked, or a busy shop's orders would serialise on it."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("shop__miniprogram", "buyer")  # what paying and announcing read
        .filter(**lookup)
        .first()
    )
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


def _release_order_stock(order: Order) -> None:
    _release_stock({line.sku_id: line.quantity for line in order.lines.all()})


@transaction.atomic
def order_cancel(*, actor, order_id: int) -> Order:
    """The buyer cancels an unpaid order; its stock goes back on sale."""
    order = _locked_order(pk=order_id, buyer=actor)
    _cancel(order, "cancelled by buyer")
    return order


def _cancel(order: Order, note: str) -> None:
    _transition(order, Status.CANCELLED, note)
    _release_order_stock(order)


@transaction.atomic
def order_payable(*, actor, order_id: int) -> Order:
    """The buyer's order, row-locked, if it can still be paid: unpaid with its stock still
    reserved (an expired reservation is about to be cancelled and its stock resold)."""
    order = _locked_order(pk=order_id, buyer=actor)
    if order.status != Status.CREATED:
        raise InvalidTransition(status=order.status, to=Status.PAID)
    if order.reserved_until <= timezone.now():
        raise DomainError("The reservation of this order has expired.", code="reservation_expired")
    return order


@transaction.atomic
def order_expire(*, order_id: int) -> bool:
    """Cancel an order whose reservation lapsed unpaid. Skips it if paid meanwhile."""
    order = (
        Order.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("shop")
        .filter(pk=order_id, status=Status.CREATED, reserved_until__lt=timezone.now())
        .first()
    )
    if order is None:
        return False
    _cancel(order, "reservation expired")
    return True


def _order_paid_event(order: Order) -> events.OrderPaid:
    lines = list(order.lines.select_related("product").prefetch_related("product__collections"))
    return events.OrderPaid(
        order_id=order.pk,
        shop_id=order.shop_id,
        brand_id=order.shop.brand_id,
        buyer_user_id=order.buyer_id,
        amount=order.total,
        currency=order.currency,
        prepay_id=order.prepay_id,
        paid_at=order.paid_at,
        lines=tuple(
            events.OrderLine(
                product_id=line.product_id,
                sku_id=line.sku_id,
                collection_ids=tuple(sorted(c.pk for c in line.product.collections.all())),
                quantity=line.quantity,
                amount=line.amount,
            )
            for line in lines
        ),
        associate_user_id=order.associate_id,
        live_show_id=order.live_show_id,
    )


@transaction.atomic
def order_pay(
    *,
    shop: Shop,
    out_trade_no: str,
    prepay_id: str,
    payer_user_id: int,
    amount: int,
    currency: str,
    paid_at: datetime,
) -> Order | None:
    """Record a settled pay order against its order. A payment that does not match a payable
    order (cancelled meanwhile, wrong amount or payer, paid twice) is owed back in full."""
    order = Order.objects.select_for_update().filter(shop=shop, out_trade_no=out_trade_no).first()
    if order is None:
        return None
    order.shop = shop  # read once by the caller: announcing the change reads its brand
    if order.status == Status.PAID and order.prepay_id == prepay_id:
        return order
    matches = order.status == Status.CREATED and (amount, currency, payer_user_id) == (
        order.total,
        order.currency,
        order.buyer_id,
    )
    if not matches:
        if not order.prepay_id:  # where the money to give back is
            order.prepay_id = prepay_id
            order.save(update_fields=["prepay_id", "updated_at"])
        _refund_owed(
            order=order,
            amount=amount,
            reason=RefundRequest.Reason.UNMATCHED_PAYMENT,
            note=f"pay order {prepay_id} did not match the order in status {order.status}",
        )
        return order
    _mark_paid(order, prepay_id=prepay_id, paid_at=paid_at)
    return order


def _mark_paid(order: Order, *, prepay_id: str, paid_at: datetime) -> None:
    order.prepay_id, order.paid_at = prepay_id, paid_at
    _transition(order, Status.PAID, f"pay order {prepay_id}" if prepay_id else "nothing to pay")
    emit(_order_paid_event(order))
    if order.team_id is not None:
        _team_settle_if_full(order.team_id)


def _staff_order(actor, shop_id: int, order_id: int) -> Order:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor)
    return _locked_order(pk=order_id, shop=shop)


@transaction.atomic
def order_ship(*, actor, shop_id: int, order_id: int, carrier: str, tracking_number: str) -> Order:
    order = _staff_order(actor, shop_id, order_id)
    if order.team_id is not None and order.team.status != Team.Status.SUCCEEDED:
        raise DomainError("The team has not formed yet.", code="team_not_formed")
    order.carrier, order.tracking_number = carrier, tracking_number
    _transition(order, Status.SHIPPED, f"{carrier} {tracking_number}")
    return order


@transaction.atomic
def order_deliver(*, actor, shop_id: int, order_id: int) -> Order:
    order = _staff_order(actor, shop_id, order_id)
    _transition(order, Status.DELIVERED)
    return order


@transaction.atomic
def order_complete(*, actor, order_id: int) -> Order:
    """The buyer confirms receipt of a delivered order."""
    order = _locked_order(pk=order_id, buyer=actor)
    _transition(order, Status.COMPLETED)
    return order


# --- Refunds -------------------------------------------------------------------------------------


def _refundable(order: Order) -> int:
    """What can still be requested: the total less what is refunded or already owed back."""
    owed = (
        order.refund_requests.filter(
            status__in=[RefundRequest.Status.APPROVED, RefundRequest.Status.REQUESTED]
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return order.total - order.refunded_amount - owed


@transaction.atomic
def refund_request_create(*, actor, order_id: int, amount: int | None, note: str = ""):
    """The buyer asks for ``amount`` (default: everything refundable) back on a paid order."""
    order = _locked_order(pk=order_id, buyer=actor)
    refundable = _refundable(order)
    amount = refundable if amount is None else amount
    if not 0 < amount <= refundable:
        raise DomainError(
            "The amount exceeds what can be refunded.",
            code="refund_too_large",
            refundable=refundable,
        )
    previous = order.status
    _transition(order, Status.REFUND_REQUESTED, note[:200])
    order.status_before_refund_request = previous
    order.save(update_fields=["status_before_refund_request", "updated_at"])
    return RefundRequest.objects.create(
        order=order,
        amount=amount,
        reason=RefundRequest.Reason.BUYER_REQUEST,
        note=note,
        status=RefundRequest.Status.REQUESTED,
    )


@transaction.atomic
def refund_request_decide(
    *, actor, shop_id: int, request_id: int, approve: bool, restock: dict[int, int] | None = None
) -> RefundRequest:
    """Brand staff approve a buyer's request (payment.py then refunds it) with the units that
    came back to restock when the money has gone, or reject it (the order resumes)."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    request = (
        RefundRequest.objects.select_for_update(of=("self",))
        .filter(pk=request_id, order__shop=shop, status=RefundRequest.Status.REQUESTED)
        .first()
    )
    if request is None:
        raise NotFound("No such pending refund request.", code="refund_request_not_found")
    order = _locked_order(pk=request.order_id)
    request.decided_at = timezone.now()
    if not approve:
        request.status = RefundRequest.Status.REJECTED
        request.save(update_fields=["status", "decided_at"])
        _transition(order, order.status_before_refund_request, "refund rejected")
        return request
    restock = {int(k): v for k, v in (restock or {}).items()}
    lines = {line.pk: line for line in order.lines.all()}
    for line_id, quantity in restock.items():
        line = lines.get(line_id)
        if line is None or not 0 < quantity <= line.quantity - line.restocked_quantity:
            raise InvalidInput(fields={"restock": [f"Invalid quantity for line {line_id}."]})
    request.status = RefundRequest.Status.APPROVED
    request.restock = {str(k): v for k, v in restock.items()}
    request.save(update_fields=["status", "decided_at", "restock"])
    _refund_schedule(request.pk)
    return request


def _refund_owed(*, order: Order, amount: int, reason: str, note: str = "", restock=None) -> None:
    """Record money owed back without a buyer's request (approved at once) and pay it."""
    request = RefundRequest.objects.create(
        order=order,
        amount=amount,
        reason=reason,
        note=note,
        status=RefundRequest.Status.APPROVED,
        restock=restock or {},
        decided_at=timezone.now(),
    )
    _refund_schedule(request.pk)


def _refund_schedule(request_id: int) -> None:
    """Execute the approved request right after commit; beat retries what did not go through."""
    from miniprograms.shop.tasks import execute_refund

    transaction.on_commit(lambda: execute_refund.delay(request_id), robust=True)


@transaction.atomic
def refund_record_executed(
    *, shop: Shop, prepay_id: str, refund_id: str, amount: int, refunded_total: int
) -> RefundRequest | None:
    """Payments refunded ``amount`` for the request ``payment.refund_execute`` made it for:
    settle that request, restock its units, and close the order when everything is back with
    the buyer. A repeat of the event, or a refund the shop did not ask for, changes nothing."""
    order = Order.objects.select_for_update().filter(shop=shop, prepay_id=prepay_id).first()
    if order is None:
        return None
    request = (
        selectors.refunds_awaiting_payment(order=order)
        .select_for_update()
        .filter(refund_id=refund_id, amount=amount)
        .first()
    )
    if request is None:
        return None
    request.status, request.refunded_at = RefundRequest.Status.REFUNDED, timezone.now()
    request.save(update_fields=["status", "refunded_at"])
    _restock_lines(request.restock)
    order.refunded_amount = min(order.total, max(order.refunded_amount, refunded_total))
    order.save(update_fields=["refunded_amount", "updated_at"])
    _close_after_refund(order, request)
    emit(
        events.OrderRefunded(
            order_id=order.pk,
            brand_id=order.shop.brand_id,
            buyer_user_id=order.buyer_id,
            amount=amount,
            currency=order.currency,
            order_amount=order.total,
        )
    )
    return request


def _restock_lines(restock: dict[str, int]) -> None:
    quantities = {int(k): v for k, v in restock.items()}
    lines = OrderLine.objects.select_for_update().filter(pk__in=quantities).order_by("pk")
    for line in lines:
        line.restocked_quantity += quantities[line.pk]
        line.save(update_fields=["restocked_quantity"])
    _release_stock({line.sku_id: quantities[line.pk] for line in lines})


def _close_after_refund(order: Order, request: RefundRequest) -> None:
    """A full refund ends the order; a partial one resumes it where the request found it.
    Price-difference refunds and refunds of cancelled orders change no status."""
    Reason = RefundRequest.Reason
    if request.reason in (Reason.TEAM_PRICE_DIFFERENCE, Reason.UNMATCHED_PAYMENT):
        return
    if order.refunded_amount >= order.total:
        _transition(order, Status.REFUNDED, f"refund {request.refund_id}")
    elif order.status == Status.REFUND_REQUESTED:
        _transition(order, order.status_before_refund_request, "partial refund")


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
        raise Conflict("This coupon code exists.", code="coupon_exists") from exc


@transaction.atomic
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


# --- Group buying --------------------------------------------------------------------------------


def _entry_percent(product: Product) -> int:
    """Members pay the smallest team's price up front; bigger teams get the difference back."""
    tiers = list(product.team_tiers.all())
    if not tiers:
        raise DomainError("This product has no team price.", code="no_team_price")
    return tiers[0].discount_percent


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
                code="shipping_address_required",
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


@transaction.atomic
def team_open(
    *, actor, shop_id: int, product_id: int, sku_id: int, quantity: int, shipping_address: dict
) -> Order:
    """Open a team with the leader's order (paid like any order, at the entry team price)."""
    shop = selectors.shop_get(shop_id=shop_id)
    product = Product.objects.filter(
        shop=shop, pk=product_id, status=Product.Status.PUBLISHED
    ).first()
    if product is None:
        raise NotFound("No such product.", code="product_not_found")
    percent = _entry_percent(product)
    team = Team.objects.create(
        product=product,
        leader=actor,
        expires_at=timezone.now() + timedelta(hours=settings.SHOP_TEAM_WINDOW_HOURS),
    )
    return _team_order(actor, team, sku_id, quantity, shipping_address, percent)


def _team_order(actor, team: Team, sku_id, quantity, shipping_address, percent) -> Order:
    if not Sku.objects.filter(pk=sku_id, product=team.product).exists():
        raise NotFound("No such item in this product.", code="sku_not_found")
    return order_checkout(
        actor=actor,
        shop_id=team.product.shop_id,
        items=[{"sku_id": sku_id, "quantity": quantity}],
        shipping_address=shipping_address,
        team=team,
        team_percent=percent,
    )


@transaction.atomic
def team_join(*, actor, team_id: int, sku_id: int, quantity: int, shipping_address: dict) -> Order:
    team = (
        Team.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk=team_id)
        .first()
    )
    if team is None:
        raise NotFound("No such team.", code="team_not_found")
    if team.status != Team.Status.OPEN or team.expires_at <= timezone.now():
        raise Conflict("This team is closed.", code="team_closed")
    percent = _entry_percent(team.product)
    active = team.orders.exclude(status=Status.CANCELLED)
    if active.filter(buyer=actor).exists():
        raise Conflict("You are in this team already.", code="already_in_team")
    if active.count() >= team.product.team_tiers.last().size:
        raise Conflict("This team is full.", code="team_full")
    return _team_order(actor, team, sku_id, quantity, shipping_address, percent)


def _team_settle_if_full(team_id: int) -> None:
    team = Team.objects.select_for_update().get(pk=team_id)
    paid = team.orders.filter(status__in=selectors.TEAM_MEMBER_STATUSES).count()
    if team.status == Team.Status.OPEN and paid >= team.product.team_tiers.last().size:
        _team_settle(team)


@transaction.atomic
def team_expire(*, team_id: int) -> Team | None:
    """The window closed: settle at the tier reached, or refund everyone in full."""
    team = (
        Team.objects.select_for_update(skip_locked=True)
        .filter(pk=team_id, status=Team.Status.OPEN, expires_at__lte=timezone.now())
        .first()
    )
    if team is None:
        return None
    _team_settle(team)
    return team


def _team_settle(team: Team) -> None:
    """Close the team. Every paid member pays the price of the largest tier the final size
    reached (the difference is owed back); below the smallest tier everyone is refunded in
    full and the stock returns. Unpaid orders are cancelled."""
    for order in team.orders.select_for_update().filter(status=Status.CREATED).order_by("pk"):
        _cancel(order, "team closed")
    members = list(
        team.orders.select_for_update()
        .filter(status__in=selectors.TEAM_MEMBER_STATUSES)
        .prefetch_related("lines")
        .order_by("pk")
    )
    reached = [t for t in team.product.team_tiers.all() if t.size <= len(members)]
    team.final_size, team.closed_at = len(members), timezone.now()
    if reached:
        team.status = Team.Status.SUCCEEDED
        team.final_discount_percent = reached[-1].discount_percent
    else:
        team.status = Team.Status.FAILED
    team.save()
    for order in members:
        _record_team_refund(order, team)


def team_refund_amount(order: Order, team: Team) -> int:
    """What ``order`` gets back when ``team`` closes: everything if the team failed, else what
    it paid above the final tier's price for each line."""
    if team.status == Team.Status.FAILED:
        return order.total
    final = sum(
        discounted(line.list_unit_amount, team.final_discount_percent) * line.quantity
        for line in order.lines.all()
    )
    return max(order.total - final, 0)


def _record_team_refund(order: Order, team: Team) -> None:
    amount = team_refund_amount(order, team)
    if amount == 0:
        return
    failed = team.status == Team.Status.FAILED
    _refund_owed(
        order=order,
        amount=amount,
        reason=(
            RefundRequest.Reason.TEAM_FAILED
            if failed
            else RefundRequest.Reason.TEAM_PRICE_DIFFERENCE
        ),
        restock={str(line.pk): line.quantity for line in order.lines.all()} if failed else {},
    )


# --- Reviews -------------------------------------------------------------------------------------


@transaction.atomic
def review_create(*, actor, line_id: int, rating: int, text: str = "", photos=None) -> Review:
    """Only the buyer of a delivered (or completed) line reviews it, once."""
    line = OrderLine.objects.select_related("order").filter(pk=line_id, order__buyer=actor).first()
    if line is None:
        raise NotFound("No such purchase.", code="order_line_not_found")
    if line.order.status not in (Status.DELIVERED, Status.COMPLETED):
        raise DomainError("Review an item once it is delivered.", code="not_delivered")
    photos = photos or []
    if len(photos) > settings.SHOP_MAX_REVIEW_PHOTOS:
        raise InvalidInput(
            fields={"photos": [f"At most {settings.SHOP_MAX_REVIEW_PHOTOS} photos."]},
            code="too_many_photos",
        )
    photos = _image_urls(actor, photos, "review")
    try:
        with transaction.atomic():
            return Review.objects.create(
                line=line,
                product_id=line.product_id,
                author=actor,
                rating=rating,
                text=text,
                photos=photos,
            )
    except IntegrityError as exc:
        raise Conflict("You reviewed this item already.", code="already_reviewed") from exc


@transaction.atomic
def review_reply(*, actor, shop_id: int, review_id: int, text: str) -> Review:
    """The brand answers once; it can neither edit nor delete the buyer's review."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor)
    review = (
        Review.objects.select_for_update(of=("self",))
        .filter(pk=review_id, product__shop=shop)
        .first()
    )
    if review is None:
        raise NotFound("No such review.", code="review_not_found")
    if review.replied_at is not None:
        raise Conflict("The brand has replied already.", code="already_replied")
    review.brand_reply, review.replied_at = text, timezone.now()
    review.save(update_fields=["brand_reply", "replied_at"])
    return review


@transaction.atomic
def review_report(*, actor, review_id: int, reason: str) -> ReviewReport:
    review = Review.objects.filter(pk=review_id, status=Review.Status.VISIBLE).first()
    if review is None:
        raise NotFound("No such review.", code="review_not_found")
    try:
        with transaction.atomic():
            return ReviewReport.objects.create(review=review, reporter=actor, reason=reason)
    except IntegrityError as exc:
        raise Conflict("You reported this review already.", code="already_reported") from exc


@transaction.atomic
def review_moderate(*, actor, review_id: int, visible: bool) -> Review:
    """Platform staff hide or restore a review; its open reports are resolved."""
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise NotFound("No such review.", code="review_not_found")
    review.status = Review.Status.VISIBLE if visible else Review.Status.HIDDEN
    review.save(update_fields=["status"])
    review.reports.filter(status=ReviewReport.Status.OPEN).update(
        status=ReviewReport.Status.RESOLVED
    )
    return review


# --- Social selling attribution ------------------------------------------------------------------


@transaction.atomic
def share_link_create(
    *, actor, shop_id: int, product_id: int | None = None, moment_id: int | None = None
) -> ShareLink:
    """A brand associate's link, shared in chat or in a Moments post (``moment_id``)."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor)
    if product_id is not None and not Product.objects.filter(shop=shop, pk=product_id).exists():
        raise NotFound("No such product.", code="product_not_found")
    return ShareLink.objects.create(
        shop=shop,
        associate=actor,
        product_id=product_id,
        moment_id=moment_id,
        source=ShareLink.Source.MOMENT if moment_id else ShareLink.Source.ASSOCIATE,
        code=secrets.token_urlsafe(12),
    )


@transaction.atomic
def share_link_open(*, actor, code: str) -> ShareLink:
    """The buyer followed a link: their orders in this shop within the window credit it."""
    link = ShareLink.objects.filter(code=code).first()
    if link is None:
        raise NotFound("No such link.", code="share_link_not_found")
    Attribution.objects.create(
        user=actor,
        link=link,
        shop_id=link.shop_id,
        expires_at=timezone.now() + timedelta(days=settings.SHOP_ATTRIBUTION_WINDOW_DAYS),
    )
    return link


# --- CSV catalogue import ------------------------------------------------------------------------

CSV_COLUMNS = [
    "handle",
    "title",
    "description",
    "collections",
    "images",
    "sku",
    "options",
    "stock",
    "currency",
    "price",
    "compare_at_price",
    "published",
]


def _csv_row_values(row: dict) -> dict:
    """Parse one CSV row (one SKU) or raise InvalidInput naming each bad column."""
    errors: dict[str, list[str]] = {}

    def integer(column: str, required: bool = True) -> int | None:
        raw = (row.get(column) or "").strip()
        if not raw and not required:
            return None
        if not raw.isdigit():
            errors[column] = ["Must be a whole number (minor units for prices)."]
            return None
        return int(raw)

    def listed(column: str) -> list[str]:
        return [v.strip() for v in (row.get(column) or "").split(";") if v.strip()]

    options = {}
    for pair in listed("options"):
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            errors["options"] = ["Write options as name=value;name=value."]
        options[name.strip()] = value.strip()
    for column in ("handle", "title", "sku", "currency"):
        if not (row.get(column) or "").strip():
            errors[column] = ["This column is required."]
    currency = (row.get("currency") or "").strip().upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        errors["currency"] = ["Use an ISO-4217 code."]
    values = {
        "handle": (row.get("handle") or "").strip(),
        "title": (row.get("title") or "").strip(),
        "description": row.get("description") or "",
        "collections": listed("collections"),
        "images": listed("images"),
        "code": (row.get("sku") or "").strip(),
        "options": options,
        "stock": integer("stock"),
        "prices": [
            {
                "currency": currency,
                "amount": integer("price"),
                "compare_at_amount": integer("compare_at_price", required=False),
            }
        ],
        "published": (row.get("published") or "").strip().lower() in ("1", "yes", "true"),
    }
    if values["prices"][0]["amount"] == 0:
        errors["price"] = ["Must be positive."]
    errors.update(_csv_shape_errors(values))
    if errors:
        raise InvalidInput(fields=errors)
    return values


def _csv_shape_errors(values: dict) -> dict[str, list[str]]:
    """What the API's serializers (ProductInput, SkuInput) would refuse in a parsed row;
    images, currencies and amounts are checked where both paths write them."""
    errors = {}
    if values["handle"]:
        try:
            validate_slug(values["handle"])
        except DjangoValidationError:
            errors["handle"] = ["Letters, digits, hyphens and underscores only."]
    limits = {"handle": 100, "title": 200, "code": 64}
    for field, limit in limits.items():
        if len(values[field]) > limit:
            errors["sku" if field == "code" else field] = [f"At most {limit} characters."]
    if any(len(name) > 32 or len(value) > 64 for name, value in values["options"].items()):
        errors["options"] = ["Option names hold 32 characters at most, values 64."]
    if len(values["options"]) > 3:
        errors["options"] = ["At most 3 options."]
    if (values["stock"] or 0) > MAX_STOCK:
        errors["stock"] = [f"At most {MAX_STOCK}."]
    return errors


def _import_row(shop: Shop, values: dict) -> str:
    """Upsert the row's product (by handle) and SKU (by code); answers what it did."""
    product = Product.objects.filter(shop=shop, handle=values["handle"]).first()
    if product is None:
        collections = [
            Collection.objects.get_or_create(shop=shop, title=title)[0]
            for title in values["collections"]
        ]
        product = _product_create(
            shop=shop,
            handle=values["handle"],
            title=values["title"],
            description=values["description"],
            images=values["images"],
            option_names=sorted(values["options"]),
            collections=collections,
            team_tiers=[],
        )
    sku = Sku.objects.filter(shop=shop, code=values["code"]).first()
    if sku is not None and sku.product_id != product.pk:
        raise Conflict("This SKU code belongs to another product.", code="sku_exists")
    if sku is None:
        _sku_create(
            product=product,
            code=values["code"],
            options=values["options"],
            stock=values["stock"],
            prices=values["prices"],
        )
        outcome = "created"
    else:
        Sku.objects.filter(pk=sku.pk).update(stock=values["stock"])
        _set_prices(sku, values["prices"])
        outcome = "updated"
    if values["published"] and product.status != Product.Status.PUBLISHED:
        _set_published(product, True)
    return outcome


def _error_fields(error: DomainError) -> dict:
    return error.extra.get("fields") or {"row": [str(error.detail)]}


@transaction.atomic
def catalogue_import(*, actor, shop_id: int, rows: list[dict]) -> dict:
    """Import CSV rows (one SKU each). Good rows are applied, each in its own savepoint; bad
    ones are reported by row number (the header is row 1) and change nothing."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    if len(rows) > settings.SHOP_MAX_CSV_ROWS:
        raise InvalidInput(
            f"At most {settings.SHOP_MAX_CSV_ROWS} rows per import.", code="csv_too_large"
        )
    report = {"rows": len(rows), "created": 0, "updated": 0, "errors": []}
    for number, row in enumerate(rows, start=2):
        try:
            with transaction.atomic():
                report[_import_row(shop, _csv_row_values(row))] += 1
        except DomainError as error:
            report["errors"].append(
                {"row": number, "code": error.code, "fields": _error_fields(error)}
            )
        except DataError:  # a value the database cannot hold: this row only
            report["errors"].append(
                {"row": number, "code": "value_out_of_range", "fields": {"row": ["Out of range."]}}
            )
    return report


def order_payorder_create(*, actor, order_id: int) -> tuple[Order, bool]:
    """The buyer's pay order for an order, through the shop's door to payments
    (miniprograms/shop/payment.py): what other apps (live) call to take payment."""
    from miniprograms.shop import payment  # payment builds on this module

    return payment.order_payorder_create(actor=actor, order_id=order_id)
