"""Two admins. The platform admin (/admin/, Django staff) sees every shop. The brand shop admin
(/brand-admin/) lets a brand's owners and admins manage their own catalogue, coupons and see
their orders: every list and form is scoped to the shops they manage, and they need no Django
staff flag (which in Plaza means platform staff)."""

from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from miniprograms.shop import selectors
from miniprograms.shop.errors import NOT_A_BRAND_MANAGER
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
    """Stock at a glance; SKUs are added on their own page (they need their shop and prices)."""

    model = Sku
    extra = 0
    fields = ("code", "options", "stock")
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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


class BrandManagerLoginForm(AuthenticationForm):
    """Django's admin login form accepts only ``is_staff`` accounts (platform staff in Plaza):
    this one accepts the owners and admins of a brand with a shop, with their Plaza password,
    and tells anyone else where their work happens (the app's workspace)."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not selectors.shops_managed_by(user=user).exists():
            raise ValidationError(
                "This sign-in is for the owners and admins of a brand with a shop. "
                "Sign in to the Plaza app and open Me → Workspace instead.",
                code=NOT_A_BRAND_MANAGER,
            )


class BrandShopAdminSite(admin.AdminSite):
    site_header = "Plaza brand shop admin"
    site_title = "Brand shop admin"
    site_url = "/workspace"
    login_form = BrandManagerLoginForm

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and selectors.shops_managed_by(user=user).exists()


brand_admin_site = BrandShopAdminSite(name="brand_shop_admin")


class BrandScopedAdmin(admin.ModelAdmin):
    """Rows of the shops the signed-in brand manager manages, and nothing else."""

    shop_lookup = "shop"

    def managed_shops(self, request):
        return selectors.shops_managed_by(user=request.user)

    def get_queryset(self, request):
        scoped = {f"{self.shop_lookup}__in": self.managed_shops(request)}
        return super().get_queryset(request).filter(**scoped)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Shop:
            kwargs["queryset"] = self.managed_shops(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Collection:
            kwargs["queryset"] = Collection.objects.filter(shop__in=self.managed_shops(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request) -> bool:
        return True

    def has_view_permission(self, request, obj=None) -> bool:
        return True

    def has_add_permission(self, request) -> bool:
        return True

    def has_change_permission(self, request, obj=None) -> bool:
        return True

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class BrandProductAdmin(BrandScopedAdmin, ProductAdmin):
    pass


class BrandCollectionAdmin(BrandScopedAdmin, CollectionAdmin):
    pass


class BrandSkuAdmin(BrandScopedAdmin, SkuAdmin):
    raw_id_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Product:
            kwargs["queryset"] = Product.objects.filter(shop__in=self.managed_shops(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BrandOrderAdmin(BrandScopedAdmin, OrderAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


brand_admin_site.register(Product, BrandProductAdmin)
brand_admin_site.register(Collection, BrandCollectionAdmin)
brand_admin_site.register(Sku, BrandSkuAdmin)
brand_admin_site.register(Order, BrandOrderAdmin)
