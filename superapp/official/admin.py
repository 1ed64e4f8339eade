from django.contrib import admin, messages

from superapp.core.admin import ReadOnlyAdmin
from superapp.official import services
from superapp.official.models import (
    Article,
    Brand,
    BrandAuditEntry,
    BrandMember,
    Broadcast,
    OfficialAccount,
)


class BrandMemberInline(admin.TabularInline):
    model = BrandMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "verified_at", "created_at")
    list_filter = (("verified_at", admin.EmptyFieldListFilter),)
    search_fields = ("name",)
    readonly_fields = ("verified_at",)
    inlines = [BrandMemberInline]
    actions = ["verify_brands", "revoke_verification"]

    @admin.action(description="Verify the selected brands", permissions=["change"])
    def verify_brands(self, request, queryset):
        for brand in queryset:
            services.brand_verify(actor=request.user, brand=brand)
        self.message_user(request, f"{queryset.count()} brand(s) verified.", messages.SUCCESS)

    @admin.action(
        description="Revoke the verification of the selected brands", permissions=["change"]
    )
    def revoke_verification(self, request, queryset):
        for brand in queryset:
            services.brand_verification_revoke(actor=request.user, brand=brand)
        self.message_user(request, f"{queryset.count()} verification(s) revoked.", messages.SUCCESS)


@admin.register(BrandAuditEntry)
class BrandAuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is written by services only."""

    list_display = ("created_at", "brand", "actor", "action", "target")
    list_filter = ("action",)
    raw_id_fields = ("brand", "actor")


@admin.register(OfficialAccount)
class OfficialAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "brand__name")
    raw_id_fields = ("brand",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "created_at")
    raw_id_fields = ("account", "author")


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "created_at")
    raw_id_fields = ("account", "article", "sent_by")
