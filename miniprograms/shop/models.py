"""The first-party shop mini-program: catalogue, carts, orders, coupons, teams, reviews.

Money is an integer amount of minor units with its ISO-4217 currency. Stock lives on the SKU row
and is only ever changed by conditional ``UPDATE`` statements (see services), guarded by a CHECK
so that no code path can take it below zero.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from superapp.core.fulltext import Document


class Shop(models.Model):
    """A brand's store, registered as a mini-program of the brand's developer organisation."""

    brand = models.OneToOneField("official.Brand", on_delete=models.PROTECT, related_name="shop")
    miniprogram = models.OneToOneField(
        "miniprograms.MiniProgram", on_delete=models.PROTECT, related_name="shop"
    )
    name = models.CharField(max_length=64)
    currency = models.CharField(max_length=3, default="EUR")
    # Branding the storefront shows on its home (docs/shop.md, "Branding").
    logo = models.URLField(max_length=500, blank=True)
    accent_color = models.CharField(max_length=7, blank=True, help_text="#rrggbb")
    banners = models.JSONField(
        default=list, blank=True, help_text='[{"image": url, "link": {"kind", "id"}}]'
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(accent_color="") | Q(accent_color__regex=r"^#[0-9a-f]{6}$"),
                name="shop_accent_color_rrggbb",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Collection(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="collections")
    title = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "title"], name="shop_collection_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    handle = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Rich description (Markdown).")
    images = models.JSONField(default=list, blank=True)
    option_names = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    collections = models.ManyToManyField(Collection, blank=True, related_name="products")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "handle"], name="shop_product_unique_handle")
        ]
        indexes = [
            models.Index(fields=["shop", "status", "-id"], name="shop_product_listing"),
            # search across shops: a page of a rank tier, newest first, stops after its rows
            models.Index(fields=["status", "-published_at", "-id"], name="shop_product_published"),
        ]

    def __str__(self) -> str:
        return self.title


class Sku(models.Model):
    """One purchasable variant: a combination of option values with its own stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    stock = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "code"], name="shop_sku_unique_code"),
            models.UniqueConstraint(fields=["product", "options"], name="shop_sku_unique_options"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_sku_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return self.code


MAX_STOCK = 2**31 - 1  # Sku.stock is a 32-bit column


class StockHold(models.Model):
    """Units a checkout in flight took from a SKU's stock, in a statement of their own that
    committed at once (docs/shop.md, "Stock holds"): the order's transaction then consumes the
    hold (deletes it) instead of locking the SKU row until its commit. A hold still here at
    ``expires_at`` belongs to a checkout that never finished; beat gives its units back."""

    token = models.UUIDField()
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "sku"], name="shop_stockhold_unique_sku"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shop_stockhold_positive"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="shop_stockhold_expiry")]


class SkuPrice(models.Model):
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3)
    amount = models.PositiveBigIntegerField()
    compare_at_amount = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sku", "currency"], name="shop_price_unique_currency"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="shop_price_positive"),
            models.CheckConstraint(
                condition=Q(compare_at_amount__isnull=True) | Q(compare_at_amount__gt=F("amount")),
                name="shop_price_compare_at_above_price",
            ),
        ]
        indexes = [models.Index(fields=["currency", "amount"], name="shop_price_range")]


class TeamTier(models.Model):
    """Group-buying price: a team of at least ``size`` buyers pays ``discount_percent`` less."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="team_tiers")
    size = models.PositiveSmallIntegerField()
    discount_percent = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["size"]
        constraints = [
            models.UniqueConstraint(fields=["product", "size"], name="shop_tier_unique_size"),
            models.CheckConstraint(condition=Q(size__gte=2), name="shop_tier_size_at_least_2"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=1, discount_percent__lte=90),
                name="shop_tier_discount_range",
            ),
        ]


class Cart(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="carts")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "shop"], name="shop_cart_unique")]


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="shop_cart_item_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_cart_item_quantity"),
        ]


class Coupon(models.Model):
    """A shop-wide code, or a personal coupon (``owner`` set, e.g. a loyalty reward)."""

    class Kind(models.TextChoices):
        PERCENT = "percent"
        FIXED = "fixed"

    brand = models.ForeignKey("official.Brand", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=32)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, blank=True)
    min_spend = models.PositiveBigIntegerField(default=0)
    per_user_limit = models.PositiveIntegerField(default=1)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    loyalty_redemption_id = models.BigIntegerField(null=True, blank=True, unique=True)
    # A disabled coupon is refused at checkout; orders that used it keep it.
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "code"], name="shop_coupon_unique_code"),
            models.CheckConstraint(
                condition=Q(kind="fixed", value__gt=0) & ~Q(currency="")
                | Q(kind="percent", value__gte=1, value__lte=100),
                name="shop_coupon_value_valid",
            ),
            models.CheckConstraint(
                condition=Q(per_user_limit__gte=1), name="shop_coupon_per_user_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Team(models.Model):
    """A group-buying team on one product; open for ``SHOP_TEAM_WINDOW_HOURS``."""

    class Status(models.TextChoices):
        OPEN = "open"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="teams")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    final_size = models.PositiveSmallIntegerField(null=True, blank=True)
    final_discount_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"], name="shop_team_due")]


class ShareLink(models.Model):
    """A link an associate shares (in chat or in a Moments post) that attributes sales."""

    class Source(models.TextChoices):
        ASSOCIATE = "associate"
        MOMENT = "moment"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="share_links")
    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    moment_id = models.BigIntegerField(null=True, blank=True)
    code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Attribution(models.Model):
    """A buyer opened a share link; orders within the window credit its associate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="attributions")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "shop", "-expires_at"], name="shop_attr_lookup")]


class Order(models.Model):
    class Status(models.TextChoices):
        CREATED = "created"
        PAID = "paid"
        SHIPPED = "shipped"
        DELIVERED = "delivered"
        COMPLETED = "completed"
        CANCELLED = "cancelled"
        REFUND_REQUESTED = "refund_requested"
        REFUNDED = "refunded"

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    status_before_refund_request = models.CharField(max_length=20, blank=True)
    out_trade_no = models.CharField(max_length=32, unique=True)
    currency = models.CharField(max_length=3)
    subtotal = models.PositiveBigIntegerField()
    discount = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField()
    refunded_amount = models.PositiveBigIntegerField(default=0)
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, null=True, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The live show the order was placed in (miniprograms/live); its host is then ``associate``.
    live_show_id = models.BigIntegerField(null=True, blank=True)
    shipping_address = models.JSONField(default=dict)
    carrier = models.CharField(max_length=64, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    prepay_id = models.CharField(max_length=64, blank=True)
    reserved_until = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("subtotal") - F("discount")), name="shop_order_total"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("total")), name="shop_order_refund_le_total"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "reserved_until"], name="shop_order_expiry"),
            models.Index(fields=["buyer", "-id"], name="shop_order_buyer"),
            models.Index(fields=["shop", "-id"], name="shop_order_shop"),
            models.Index(
                fields=["live_show_id"],
                condition=Q(live_show_id__isnull=False),
                name="shop_order_live_show",
            ),
        ]


class OrderLine(models.Model):
    """What was bought, at the price of the moment (a snapshot, never recomputed)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    options = models.JSONField(default=dict)
    list_unit_amount = models.PositiveBigIntegerField(help_text="Price before team discount.")
    unit_amount = models.PositiveBigIntegerField()
    quantity = models.PositiveIntegerField()
    amount = models.PositiveBigIntegerField()
    restocked_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_line_quantity"),
            models.CheckConstraint(
                condition=Q(restocked_quantity__lte=F("quantity")), name="shop_line_restock_le_qty"
            ),
        ]


class OrderStatusChange(models.Model):
    """The order's history: one row per state-machine transition."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class CouponRedemption(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="redemption")
    created_at = models.DateTimeField(auto_now_add=True)


class RefundRequest(models.Model):
    """Money owed back on an order. ``payment.py`` executes approved requests through
    payments; the ``payments.payorder_refunded`` event marks them refunded."""

    class Reason(models.TextChoices):
        BUYER_REQUEST = "buyer_request"
        TEAM_PRICE_DIFFERENCE = "team_price_difference"
        TEAM_FAILED = "team_failed"
        UNMATCHED_PAYMENT = "unmatched_payment"
        BRAND_REFUND = "brand_refund"
        BRAND_CANCEL = "brand_cancel"

    class Status(models.TextChoices):
        REQUESTED = "requested"
        APPROVED = "approved"
        REJECTED = "rejected"
        REFUNDED = "refunded"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refund_requests")
    amount = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=24, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    restock = models.JSONField(default=dict, blank=True, help_text="{order_line_id: quantity}")
    refund_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="shop_refund_positive"),
        ]


class Review(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible"
        HIDDEN = "hidden"

    line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="review")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    photos = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VISIBLE)
    brand_reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="shop_review_rating_range"
            )
        ]
        indexes = [models.Index(fields=["product", "status", "-id"], name="shop_review_listing")]


class ReviewReport(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="shop_report_unique")
        ]


class CatalogueImport(models.Model):
    """A CSV catalogue import run by a task: its rows, how far it got, and what it refused."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    rows = models.JSONField(default=list, help_text="The parsed CSV rows, cleared once done.")
    total = models.PositiveIntegerField()
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="shop_import_processed_le_total"
            )
        ]


# What search matches (superapp/core/fulltext.py; migration 0003 creates it).
PRODUCT_SEARCH = Document(
    table="shop_product",
    fields=(("title", "A"), ("description", "B")),
    names=("title",),
)
