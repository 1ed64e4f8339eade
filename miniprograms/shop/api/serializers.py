from rest_framework import serializers

from miniprograms.shop import selectors
from miniprograms.shop.models import (
    MAX_STOCK,
    CatalogueImport,
    Collection,
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
from superapp.core.api import AddressInput, ImageReference, MoneyOutput

CURRENCY = serializers.RegexField(r"^[A-Z]{3}$", help_text="ISO-4217 code")


def money(amount: int, currency: str) -> dict:
    return {"amount": amount, "currency": currency}


# --- Shop and catalogue --------------------------------------------------------------------------


class ShopEnableInput(serializers.Serializer):
    name = serializers.CharField(max_length=64, required=False, default="")
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="EUR")


class BannerLinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["collection", "product"])
    id = serializers.IntegerField(min_value=1)


class BannerInput(serializers.Serializer):
    image = ImageReference(help_text="An image URL, or the id of the caller's 'product' upload.")
    link = BannerLinkSerializer(required=False, allow_null=True, default=None)


class BannerOutput(serializers.Serializer):
    image = serializers.URLField()
    link = BannerLinkSerializer(allow_null=True)


class ShopBrandingInput(serializers.Serializer):
    logo = ImageReference(
        required=False,
        allow_null=True,
        help_text="An image URL or the id of the caller's 'product' upload; null clears it.",
    )
    accent_color = serializers.CharField(
        max_length=7, required=False, allow_blank=True, help_text="#rrggbb; empty clears it"
    )
    banners = BannerInput(many=True, required=False, help_text="The whole list, in order.")


class ShopOutput(serializers.ModelSerializer):
    app_id = serializers.CharField(source="miniprogram.app_id")
    banners = BannerOutput(many=True)

    class Meta:
        model = Shop
        fields = [
            "id",
            "brand_id",
            "name",
            "currency",
            "app_id",
            "logo",
            "accent_color",
            "banners",
            "created_at",
        ]


class CollectionInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)


class CollectionOutput(serializers.ModelSerializer):
    class Meta:
        model = Collection
        fields = ["id", "title"]


class PriceInput(serializers.Serializer):
    currency = serializers.RegexField(r"^[A-Z]{3}$")
    amount = serializers.IntegerField(min_value=1)
    compare_at_amount = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class PriceOutput(serializers.ModelSerializer):
    class Meta:
        model = SkuPrice
        fields = ["currency", "amount", "compare_at_amount"]


class TeamTierSerializer(serializers.Serializer):
    size = serializers.IntegerField(min_value=2, max_value=100)
    discount_percent = serializers.IntegerField(min_value=1, max_value=90)


class ProductInput(serializers.Serializer):
    handle = serializers.SlugField(max_length=100)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    images = serializers.ListField(
        child=ImageReference(),
        required=False,
        default=list,
        help_text="Image URLs, or ids of the caller's uploads with purpose 'product'.",
    )
    option_names = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list, max_length=3
    )
    collection_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    team_tiers = TeamTierSerializer(many=True, required=False, default=list)


class ProductUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    images = serializers.ListField(
        child=ImageReference(),
        required=False,
        help_text="Image URLs, or ids of the caller's uploads with purpose 'product'.",
    )
    collection_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    team_tiers = TeamTierSerializer(many=True, required=False)


class SkuInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    options = serializers.DictField(child=serializers.CharField(max_length=64), default=dict)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK)
    prices = PriceInput(many=True, min_length=1)


class SkuUpdateInput(serializers.Serializer):
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)
    prices = PriceInput(many=True, required=False)


class SkuOutput(serializers.ModelSerializer):
    prices = PriceOutput(many=True)

    class Meta:
        model = Sku
        fields = ["id", "code", "options", "stock", "prices"]


class ProductOutput(serializers.ModelSerializer):
    skus = SkuOutput(many=True)
    collections = CollectionOutput(many=True)
    team_tiers = TeamTierSerializer(many=True)
    rating_average = serializers.SerializerMethodField()
    rating_count = serializers.IntegerField()

    class Meta:
        model = Product
        fields = [
            "id",
            "handle",
            "title",
            "description",
            "images",
            "option_names",
            "status",
            "collections",
            "skus",
            "team_tiers",
            "rating_average",
            "rating_count",
            "published_at",
        ]

    def get_rating_average(self, product) -> float | None:
        average = product.rating_average
        return None if average is None else round(float(average), 2)


class ProductSearchQuery(serializers.Serializer):
    q = serializers.CharField(required=False, default="", max_length=100)
    collection = serializers.IntegerField(required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    min_price = serializers.IntegerField(required=False, min_value=0)
    max_price = serializers.IntegerField(required=False, min_value=0)


class CatalogueImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with the columns listed in docs/shop.md")


class ImportErrorOutput(serializers.Serializer):
    row = serializers.IntegerField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class CatalogueImportOutput(serializers.ModelSerializer):
    rejected = ImportErrorOutput(many=True, source="errors", help_text="the refused rows")

    class Meta:
        model = CatalogueImport
        fields = [
            "id",
            "status",
            "total",
            "processed",
            "created",
            "updated",
            "rejected",
            "created_at",
            "finished_at",
        ]


class ImportReportOutput(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportErrorOutput(many=True)


# --- Cart, checkout, orders ----------------------------------------------------------------------


class CartItemInput(serializers.Serializer):
    sku_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=0)


class CartLineOutput(serializers.Serializer):
    sku_id = serializers.IntegerField()
    product_id = serializers.IntegerField(source="sku.product_id")
    title = serializers.CharField(source="sku.product.title")
    options = serializers.DictField(source="sku.options")
    quantity = serializers.IntegerField()
    prices = PriceOutput(many=True, source="sku.prices")


class CartOutput(serializers.Serializer):
    shop_id = serializers.IntegerField()
    items = CartLineOutput(many=True)


class CheckoutItemInput(serializers.Serializer):
    sku_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class CheckoutInput(serializers.Serializer):
    items = CheckoutItemInput(
        many=True, required=False, help_text="Buy these now; omit to check out the cart."
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    coupon_code = serializers.CharField(max_length=32, required=False, default="")
    shipping_address = AddressInput(required=False)
    address_id = serializers.IntegerField(
        required=False, help_text="Ship to this address of the buyer's book instead."
    )

    def validate(self, attrs):
        if "shipping_address" in attrs and "address_id" in attrs:
            raise serializers.ValidationError(
                "Give at most one of shipping_address, address_id (neither: the default address)."
            )
        return attrs


class TeamOpenInput(serializers.Serializer):
    sku_id = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, default=1)
    shipping_address = AddressInput()


class OrderLineOutput(serializers.ModelSerializer):
    """A line at the price of the moment: ``list_amount`` (list price x quantity) less
    ``discount`` (a live deal's or a team's price) is ``amount``, what the line costs before
    the order's coupon."""

    list_unit_price = serializers.SerializerMethodField()
    unit_price = serializers.SerializerMethodField()
    list_amount = serializers.SerializerMethodField()
    discount = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "product_id",
            "sku_id",
            "title",
            "options",
            "quantity",
            "list_unit_price",
            "unit_price",
            "list_amount",
            "discount",
            "amount",
        ]

    def get_list_unit_price(self, line) -> MoneyOutput:
        return money(line.list_unit_amount, line.order.currency)

    def get_unit_price(self, line) -> MoneyOutput:
        return money(line.unit_amount, line.order.currency)

    def get_list_amount(self, line) -> MoneyOutput:
        return money(selectors.line_list_amount(line), line.order.currency)

    def get_discount(self, line) -> MoneyOutput:
        return money(selectors.line_price_discount(line), line.order.currency)

    def get_amount(self, line) -> MoneyOutput:
        return money(line.amount, line.order.currency)


class OrderPayOutput(serializers.Serializer):
    """The pay order to confirm at ``POST /api/v1/pay/orders/{prepay_id}/confirm``."""

    prepay_id = serializers.CharField()
    amount = serializers.IntegerField(source="total")
    currency = serializers.CharField()


class OrderOutput(serializers.ModelSerializer):
    """``subtotal`` (Σ lines' ``list_amount``) - ``discount`` (Σ lines' ``discount`` +
    ``coupon_discount``) = ``total`` = Σ lines' ``amount`` - ``coupon_discount``."""

    subtotal = serializers.SerializerMethodField()
    discount = serializers.SerializerMethodField()
    coupon_discount = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    refunded = serializers.SerializerMethodField()
    coupon_code = serializers.CharField(source="coupon.code", default=None, allow_null=True)
    lines = OrderLineOutput(many=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "shop_id",
            "status",
            "out_trade_no",
            "prepay_id",
            "subtotal",
            "discount",
            "coupon_discount",
            "total",
            "refunded",
            "coupon_code",
            "team_id",
            "lines",
            "shipping_address",
            "carrier",
            "tracking_number",
            "reserved_until",
            "paid_at",
            "created_at",
        ]

    def get_subtotal(self, order) -> MoneyOutput:
        return money(order.subtotal, order.currency)

    def get_discount(self, order) -> MoneyOutput:
        return money(order.discount, order.currency)

    def get_coupon_discount(self, order) -> MoneyOutput:
        return money(selectors.order_coupon_discount(order), order.currency)

    def get_total(self, order) -> MoneyOutput:
        return money(order.total, order.currency)

    def get_refunded(self, order) -> MoneyOutput:
        return money(order.refunded_amount, order.currency)


class StaffOrderOutput(OrderOutput):
    buyer = serializers.CharField(source="buyer.username")
    refund_pending = serializers.SerializerMethodField(
        help_text="approved refunds payments has not paid back yet"
    )

    class Meta(OrderOutput.Meta):
        fields = [*OrderOutput.Meta.fields, "buyer", "refund_pending"]

    def get_refund_pending(self, order) -> MoneyOutput:
        return money(order.refund_pending or 0, order.currency)


class OrderListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices, required=False)
    q = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text=(
            "#12: order 12 only; other text: part of the buyer's username or name"
            " (bare digits: the order number too)"
        ),
    )
    created_from = serializers.DateField(required=False, help_text="placed on or after this day")
    created_to = serializers.DateField(required=False, help_text="placed on or before this day")


class BrandRefundInput(serializers.Serializer):
    amount = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="minor units; default: everything still refundable",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ShipInput(serializers.Serializer):
    carrier = serializers.CharField(max_length=64)
    tracking_number = serializers.CharField(max_length=64)


class RefundRequestInput(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RefundDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    restock = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=dict,
        help_text="{order_line_id: quantity} returned to stock once refunded",
    )


class RefundRequestOutput(serializers.ModelSerializer):
    class Meta:
        model = RefundRequest
        fields = ["id", "order_id", "amount", "reason", "status", "note", "created_at"]


# --- Coupons, teams, reviews, links --------------------------------------------------------------


class CouponInput(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9_-]{3,32}$")
    kind = serializers.ChoiceField(choices=Coupon.Kind.choices)
    value = serializers.IntegerField(min_value=1, help_text="percent (1-100) or minor units")
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="")
    min_spend = serializers.IntegerField(min_value=0, default=0)
    per_user_limit = serializers.IntegerField(min_value=1, default=1)
    valid_from = serializers.DateTimeField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class CouponOutput(serializers.ModelSerializer):
    class Meta:
        model = Coupon
        fields = [
            "id",
            "code",
            "kind",
            "value",
            "currency",
            "min_spend",
            "per_user_limit",
            "valid_from",
            "valid_until",
            "disabled_at",
        ]


class ShareCardOutput(serializers.Serializer):
    """A ``miniprogram`` message payload to share the team into a chat."""

    type = serializers.CharField()
    app_id = serializers.CharField()
    title = serializers.CharField()
    path = serializers.CharField()
    image = serializers.CharField(allow_null=True)


class TeamOutput(serializers.ModelSerializer):
    product_id = serializers.IntegerField()
    members = serializers.IntegerField()
    tiers = TeamTierSerializer(many=True, source="product.team_tiers")
    card = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = [
            "id",
            "product_id",
            "status",
            "members",
            "tiers",
            "final_size",
            "final_discount_percent",
            "expires_at",
            "card",
        ]

    def get_card(self, team) -> ShareCardOutput:
        product = team.product
        return {
            "type": "miniprogram",
            "app_id": product.shop.miniprogram.app_id,
            "title": f"Join my team for {product.title}",
            "path": f"/teams/{team.pk}",
            "image": product.images[0] if product.images else None,
        }


class ReviewInput(serializers.Serializer):
    line_id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        child=ImageReference(),
        required=False,
        default=list,
        help_text="Photo URLs, or ids of the caller's uploads with purpose 'review'.",
    )


class ReviewOutput(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name")
    options = serializers.DictField(source="line.options")

    class Meta:
        model = Review
        fields = [
            "id",
            "product_id",
            "author",
            "options",
            "rating",
            "text",
            "photos",
            "brand_reply",
            "replied_at",
            "created_at",
        ]


class StaffReviewOutput(ReviewOutput):
    product_title = serializers.CharField(source="product.title")
    open_reports = serializers.IntegerField()

    class Meta(ReviewOutput.Meta):
        fields = [*ReviewOutput.Meta.fields, "product_title", "status", "open_reports"]


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class ReportInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReportOutput(serializers.ModelSerializer):
    review = ReviewOutput()

    class Meta:
        model = ReviewReport
        fields = ["id", "review", "reason", "status", "created_at"]


class ModerationInput(serializers.Serializer):
    visible = serializers.BooleanField()


class ShareLinkInput(serializers.Serializer):
    product_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    moment_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class ShareLinkOutput(serializers.ModelSerializer):
    class Meta:
        model = ShareLink
        fields = ["code", "shop_id", "product_id", "source", "moment_id", "created_at"]
