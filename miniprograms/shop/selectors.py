"""Reads of the shop. Lists prefetch what their serializers show (no N+1)."""

from datetime import date

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from miniprograms.shop.errors import (
    IMPORT_NOT_FOUND,
    ORDER_NOT_FOUND,
    PRODUCT_NOT_FOUND,
    SHOP_NOT_FOUND,
    SKU_NOT_FOUND,
)
from miniprograms.shop.models import (
    PRODUCT_SEARCH,
    Attribution,
    Cart,
    CartItem,
    CatalogueImport,
    Coupon,
    Order,
    OrderLine,
    Product,
    RefundRequest,
    Review,
    ReviewReport,
    ShareLink,
    Shop,
    Sku,
    SkuPrice,
    Team,
)
from superapp.core import sql
from superapp.core.errors import INVALID_CARD, TEAM_NOT_FOUND, InvalidInput, NotFound
from superapp.core.fulltext import Search
from superapp.official.selectors import MANAGERS, STAFF, brand_for_member

# Orders that count as team members: paid, and not refunded or cancelled.
TEAM_MEMBER_STATUSES = (
    Order.Status.PAID,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.COMPLETED,
)


def shop_get(*, shop_id: int) -> Shop:
    shop = Shop.objects.select_related("brand", "miniprogram").filter(pk=shop_id).first()
    if shop is None:
        raise NotFound("No such shop.", code=SHOP_NOT_FOUND)
    return shop


def shop_for_brand(*, brand_id: int) -> Shop:
    shop = Shop.objects.select_related("brand", "miniprogram").filter(brand_id=brand_id).first()
    if shop is None:
        raise NotFound("This brand has no shop.", code=SHOP_NOT_FOUND)
    return shop


def shop_for_app(*, app_id: str) -> Shop | None:
    return Shop.objects.select_related("brand").filter(miniprogram__app_id=app_id).first()


def shop_for_staff(*, shop_id: int, user, roles=STAFF) -> Shop:
    """The shop if ``user`` is staff (in ``roles``) of its brand. Outsiders get the same 404
    as for a shop that does not exist; lesser roles get 403 ``insufficient_role``."""
    shop = shop_get(shop_id=shop_id)
    try:
        brand_for_member(brand_id=shop.brand_id, user=user, roles=roles)
    except NotFound as exc:
        raise NotFound("No such shop.", code=SHOP_NOT_FOUND) from exc
    return shop


def _with_rating(products: QuerySet[Product]) -> QuerySet[Product]:
    visible = Q(reviews__status=Review.Status.VISIBLE)
    return products.annotate(
        rating_average=Avg("reviews__rating", filter=visible),
        rating_count=Count("reviews", filter=visible),
    )


def _with_catalogue_details(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.prefetch_related(
        Prefetch("skus", queryset=Sku.objects.order_by("id").prefetch_related("prices")),
        "collections",
        "team_tiers",
    )


def products_search(
    *,
    shop: Shop,
    text: str = "",
    collection_id: int | None = None,
    currency: str | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    include_drafts: bool = False,
) -> QuerySet[Product]:
    """Products of ``shop`` matching every given filter. A price range matches a product when
    one of its SKUs has a price in ``currency`` (default: the shop's) within the range."""
    products = Product.objects.filter(shop=shop)
    if not include_drafts:
        products = products.filter(status=Product.Status.PUBLISHED)
    if text:
        products = products.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if collection_id is not None:
        products = products.filter(collections__id=collection_id)
    if min_price is not None or max_price is not None:
        prices = SkuPrice.objects.filter(
            sku__product=OuterRef("pk"), currency=currency or shop.currency
        )
        if min_price is not None:
            prices = prices.filter(amount__gte=min_price)
        if max_price is not None:
            prices = prices.filter(amount__lte=max_price)
        products = products.filter(Exists(prices))
    return _with_catalogue_details(_with_rating(products))


def product_get(*, shop: Shop, product_id: int, include_drafts: bool = False) -> Product:
    product = (
        products_search(shop=shop, include_drafts=include_drafts).filter(pk=product_id).first()
    )
    if product is None:
        raise NotFound("No such product.", code=PRODUCT_NOT_FOUND)
    return product


def reviews_for_product(*, product: Product) -> QuerySet[Review]:
    return Review.objects.filter(product=product, status=Review.Status.VISIBLE).select_related(
        "author", "line"
    )


def cart_for(*, user, shop: Shop) -> tuple[Cart | None, list[CartItem]]:
    cart = Cart.objects.filter(user=user, shop=shop).first()
    if cart is None:
        return None, []
    items = list(
        CartItem.objects.filter(cart=cart)
        .select_related("sku__product")
        .prefetch_related("sku__prices")
        .order_by("id")
    )
    return cart, items


def _orders_with_lines(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("shop", "coupon").prefetch_related("lines")


def orders_for_buyer(*, user) -> QuerySet[Order]:
    return _orders_with_lines(Order.objects.filter(buyer=user))


def order_for_buyer(*, user, order_id: int) -> Order:
    order = orders_for_buyer(user=user).filter(pk=order_id).first()
    if order is None:
        raise NotFound("No such order.", code=ORDER_NOT_FOUND)
    return order


def orders_for_shop(
    *,
    shop: Shop,
    status: str | None = None,
    text: str = "",
    created_from: date | None = None,
    created_to: date | None = None,
) -> QuerySet[Order]:
    """The shop's orders, newest first: of a status, placed between two days (inclusive, in
    the server's time zone), matching ``text``: ``#123`` is that order only; other text
    matches part of the buyer's username or name, and digits the order number too."""
    orders = Order.objects.filter(shop=shop)
    if status:
        orders = orders.filter(status=status)
    if created_from:
        orders = orders.filter(created_at__date__gte=created_from)
    if created_to:
        orders = orders.filter(created_at__date__lte=created_to)
    text = text.strip()
    if text.startswith("#") and text[1:].isdigit():
        orders = orders.filter(pk=int(text[1:]))
    elif text := text.lstrip("#"):
        match = Q(buyer__username__icontains=text) | Q(buyer__display_name__icontains=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        orders = orders.filter(match)
    pending = Q(refund_requests__status=RefundRequest.Status.APPROVED)
    orders = orders.annotate(refund_pending=Sum("refund_requests__amount", filter=pending))
    return _orders_with_lines(orders.select_related("buyer")).order_by("-id")


def reviews_for_shop(*, shop: Shop) -> QuerySet[Review]:
    """Every review of the shop's products, hidden ones too, newest first (brand staff)."""
    return (
        Review.objects.filter(product__shop=shop)
        .select_related("author", "line", "product")
        .annotate(open_reports=Count("reports", filter=Q(reports__status="open")))
        .order_by("-id")
    )


def catalogue_import_get(*, shop: Shop, import_id: int) -> CatalogueImport:
    job = CatalogueImport.objects.filter(shop=shop, pk=import_id).defer("rows").first()
    if job is None:
        raise NotFound("No such import.", code=IMPORT_NOT_FOUND)
    return job


def team_get(*, team_id: int) -> Team:
    team = (
        Team.objects.select_related("product__shop__miniprogram", "leader")
        .prefetch_related("product__team_tiers")
        .annotate(
            members=Count("orders", filter=Q(orders__status__in=TEAM_MEMBER_STATUSES)),
        )
        .filter(pk=team_id)
        .first()
    )
    if team is None:
        raise NotFound("No such team.", code=TEAM_NOT_FOUND)
    return team


def coupons_for_brand(*, brand_id: int) -> QuerySet[Coupon]:
    return Coupon.objects.filter(brand_id=brand_id, owner__isnull=True)


def coupons_for_user(*, user) -> QuerySet[Coupon]:
    return Coupon.objects.filter(owner=user, disabled_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
    )


def sku_stock(*, shop_id: int, sku_ids) -> dict[int, int]:
    """{sku_id: stock on hand} of those of ``sku_ids`` that are on sale in the shop (published).
    One hand-written read by primary key, outside any transaction: a flash sale refuses its
    sold-out buyers with it before anything is written (the conditional stock decrement stays
    the real guard)."""
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    return dict(
        sql.fetch_all(
            f"SELECT s.id, s.stock FROM {Sku._meta.db_table} s"
            f" JOIN {Product._meta.db_table} p ON p.id = s.product_id"
            f" WHERE s.shop_id = %s AND p.status = %s AND s.id IN ({', '.join(['%s'] * len(ids))})",
            [shop_id, Product.Status.PUBLISHED, *ids],
        )
    )


# The associate whose share link the buyer opened most recently within the window (an order
# in the shop credits them), a scalar subquery of the checkout's shop read.
_ATTRIBUTED_ASSOCIATE = f"""(
    SELECT l.associate_id FROM {Attribution._meta.db_table} a
    JOIN {ShareLink._meta.db_table} l ON l.id = a.link_id
    WHERE a.user_id = %s AND a.shop_id = s.id AND a.expires_at > %s AND l.associate_id <> %s
    ORDER BY a.created_at DESC, a.id DESC LIMIT 1)"""
_SHOP_FOR_CHECKOUT = (
    f"SELECT {sql.select_list(Shop, 's')}, {_ATTRIBUTED_ASSOCIATE}"
    f" FROM {Shop._meta.db_table} s WHERE s.id = %s"
)
_SHOP_NAMES = sql.field_names(Shop)


def shop_for_checkout(*, shop_id: int, user) -> tuple[Shop, int | None]:
    """The shop (404 ``shop_not_found``) and the associate whose share link ``user`` opened
    most recently within the window (their orders there credit that associate), or None.

    One hand-written read: a winning checkout of a flash sale read the shop (with its brand
    and app, which the checkout does not use) and the attribution in two ORM statements whose
    compiling cost more CPU than PostgreSQL spends answering both (docs/shop.md, "Fifth
    session"). The shop's ``brand`` and ``miniprogram`` load on first use."""
    [now] = sql.row_params(Attribution, {"expires_at": timezone.now()})
    row = sql.fetch_one(_SHOP_FOR_CHECKOUT, [user.pk, now, user.pk, shop_id])
    if row is None:
        raise NotFound("No such shop.", code=SHOP_NOT_FOUND)
    return sql.instance(Shop, _SHOP_NAMES, row[:-1]), row[-1]


_SKU_NAMES = sql.field_names(Sku)
_SKUS_FOR_CHECKOUT = (
    f"SELECT {sql.select_list(Sku, 's')}, p.title, pr.amount FROM {Sku._meta.db_table} s"
    f" JOIN {Product._meta.db_table} p ON p.id = s.product_id AND p.status = %s"
    f" LEFT JOIN {SkuPrice._meta.db_table} pr ON pr.sku_id = s.id AND pr.currency = %s"
    " WHERE s.shop_id = %s AND s.id IN ({})"
)


def skus_for_checkout(*, shop_id: int, sku_ids, currency: str) -> dict[int, tuple[Sku, int | None]]:
    """{sku_id: (SKU, its unit price in ``currency`` or None)} of those of ``sku_ids`` that are
    on sale in the shop (published), each SKU with its product's id and title (what an order
    line copies), in one hand-written read where the ORM sent two (the SKUs with their
    products, then their prices)."""
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    statement = _SKUS_FOR_CHECKOUT.format(", ".join(["%s"] * len(ids)))
    found = {}
    for row in sql.fetch_all(statement, [Product.Status.PUBLISHED, currency, shop_id, *ids]):
        sku = sql.instance(Sku, _SKU_NAMES, row[:-2])
        sku.product = sql.instance(Product, ["id", "title"], [sku.product_id, row[-2]])
        found[sku.pk] = (sku, row[-1])
    return found


_PRODUCT_COLLECTIONS = Product.collections.through
_PAID_LINES = (
    f"SELECT l.id, l.product_id, l.sku_id, l.quantity, l.amount, pc.collection_id"
    f" FROM {OrderLine._meta.db_table} l"
    f" LEFT JOIN {_PRODUCT_COLLECTIONS._meta.db_table} pc ON pc.product_id = l.product_id"
    " WHERE l.order_id = %s ORDER BY l.id, pc.collection_id"
)


def order_lines_with_collections(*, order_id: int) -> list[tuple[int, int, int, int, tuple]]:
    """(product_id, sku_id, quantity, amount, the product's collection ids in id order) of
    each line of the order, in line order: what ``shop.order_paid`` tells loyalty, in one
    hand-written read where the ORM sent two (the lines with their products, then the
    products' collections)."""
    lines: dict[int, tuple] = {}
    for line_id, product_id, sku_id, quantity, amount, collection_id in sql.fetch_all(
        _PAID_LINES, [order_id]
    ):
        line = lines.setdefault(line_id, (product_id, sku_id, quantity, amount, []))
        if collection_id is not None:
            line[4].append(collection_id)
    return [(*line[:4], tuple(line[4])) for line in lines.values()]


def reports_open() -> QuerySet[ReviewReport]:
    return ReviewReport.objects.filter(status=ReviewReport.Status.OPEN).select_related(
        "review", "reporter"
    )


def orders_due_for_expiry(*, limit: int = 500) -> list[int]:
    return list(
        Order.objects.filter(status=Order.Status.CREATED, reserved_until__lt=timezone.now())
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def teams_due(*, limit: int = 200) -> list[int]:
    return list(
        Team.objects.filter(status=Team.Status.OPEN, expires_at__lte=timezone.now())
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def refunds_awaiting_payment(*, order: Order):
    """Approved refund requests whose money is not back with the buyer yet, oldest first."""
    return order.refund_requests.filter(status=RefundRequest.Status.APPROVED).order_by("id")


def refunds_to_execute(*, limit: int = 500) -> list[int]:
    """Approved refund requests that payment.py has not sent to payments yet."""
    return list(
        RefundRequest.objects.filter(status=RefundRequest.Status.APPROVED, refund_id__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def order_get(*, order_id: int) -> Order:
    return Order.objects.select_related("shop__miniprogram").get(pk=order_id)


def shops_managed_by(*, user) -> QuerySet[Shop]:
    """Shops whose brand ``user`` owns or administers."""
    if user is None or not user.is_authenticated:
        return Shop.objects.none()
    return Shop.objects.filter(
        brand__members__user=user, brand__members__role__in=MANAGERS
    ).distinct()


def live_show_sales(*, live_show_id: int) -> dict:
    """Paid orders placed in a live show (refunded and cancelled ones excluded): how many,
    from how many buyers, and their total in each currency."""
    orders = Order.objects.filter(live_show_id=live_show_id, status__in=TEAM_MEMBER_STATUSES)
    totals = orders.values("currency").annotate(total=Sum("total")).order_by("currency")
    return {
        "orders": orders.count(),
        "buyers": orders.values("buyer_id").distinct().count(),
        "gmv": [{"amount": row["total"], "currency": row["currency"]} for row in totals],
    }


def sku_for_sale(*, shop: Shop, sku_id: int) -> Sku:
    """A SKU of a published product of the shop, with its prices; 404 otherwise."""
    sku = (
        Sku.objects.select_related("product")
        .prefetch_related("prices")
        .filter(pk=sku_id, shop=shop, product__status=Product.Status.PUBLISHED)
        .first()
    )
    if sku is None:
        raise NotFound("No such item in this shop.", code=SKU_NOT_FOUND)
    return sku


def published_products_search(*, search: Search) -> QuerySet[Product]:
    """Published products of every shop matching ``search`` by title or description, best
    first, then most recently published."""
    return (
        Product.objects.filter(search.condition(PRODUCT_SEARCH), status=Product.Status.PUBLISHED)
        .select_related("shop__miniprogram")
        .alias(rank=search.rank(PRODUCT_SEARCH))
        .order_by("-rank", "-published_at", "-id")
    )


def chat_card_check(payload: dict) -> dict:
    """A ``product`` chat card (messaging's MESSAGING_CARD_CHECKS): a published product, at one
    of its prices; the title is the catalogue's."""
    product = (
        Product.objects.filter(pk=payload["product_id"], status=Product.Status.PUBLISHED)
        .only("title")
        .first()
    )
    if product is None:
        raise NotFound("No such product.", code=PRODUCT_NOT_FOUND)
    price = payload["price"]
    if not SkuPrice.objects.filter(
        sku__product=product, currency=price["currency"], amount=price["amount"]
    ).exists():
        raise InvalidInput(
            "Invalid product card.",
            code=INVALID_CARD,
            fields={"price": ["Not a price of this product."]},
        )
    return {**payload, "title": product.title}


# --- An order's amounts ---------------------------------------------------------------------
# subtotal = Σ lines' list amounts; discount = Σ lines' price discounts (a live deal's or a
# team's price below the list price) + the coupon's discount; total = subtotal - discount
# = Σ lines' amounts - the coupon's discount (docs/shop.md).


def line_list_amount(line) -> int:
    return line.list_unit_amount * line.quantity


def line_price_discount(line) -> int:
    """What a line saved on its list price."""
    return line_list_amount(line) - line.amount


def order_coupon_discount(order) -> int:
    """The part of the order's discount its coupon gave (the rest is the lines' own)."""
    return order.discount - sum(line_price_discount(line) for line in order.lines.all())
