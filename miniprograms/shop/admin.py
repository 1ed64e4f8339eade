from django.contrib import admin

from miniprograms.shop.models import (
    Collection,
    Coupon,
    Order,
    OrderLine,
    Product,
    RefundRequest,
    Review,
    ReviewReport,
    Shop,
    Sku,
    SkuPrice,
    Team,
    TeamTier,
)


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "miniprogram", "currency", "created_at")
    raw_id_fields = ("brand", "miniprogram")


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("title", "shop")
    list_filter = ("shop",)


class SkuInline(admin.TabularInline):
    model = Sku
    extra = 0
    fields = ("code", "options", "stock")
    show_change_link = True


class TeamTierInline(admin.TabularInline):
    model = TeamTier
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("title", "handle", "shop", "status", "updated_at")
    list_filter = ("status", "shop")
    search_fields = ("title", "handle")
    filter_horizontal = ("collections",)
    inlines = [SkuInline, TeamTierInline]


class SkuPriceInline(admin.TabularInline):
    model = SkuPrice
    extra = 0


@admin.register(Sku)
class SkuAdmin(admin.ModelAdmin):
    list_display = ("code", "product", "stock")
    search_fields = ("code",)
    raw_id_fields = ("product", "shop")
    inlines = [SkuPriceInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("sku", "product", "title", "options", "unit_amount", "quantity", "amount")
    exclude = ("list_unit_amount", "restocked_quantity")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: orders change only through the state machine (API and payments events)."""

    list_display = ("id", "shop", "buyer", "status", "total", "currency", "created_at")
    list_filter = ("status", "shop")
    inlines = [OrderLineInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ("code", "brand", "kind", "value", "currency", "valid_until", "owner")
    raw_id_fields = ("owner",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("id", "product", "status", "final_size", "expires_at")
    list_filter = ("status",)


@admin.register(RefundRequest)
class RefundRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "amount", "reason", "status", "created_at")
    list_filter = ("status", "reason")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "product", "author", "rating", "status", "created_at")
    list_filter = ("status",)


@admin.register(ReviewReport)
class ReviewReportAdmin(admin.ModelAdmin):
    list_display = ("id", "review", "reporter", "status", "created_at")
    list_filter = ("status",)
