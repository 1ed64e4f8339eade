from django.contrib import admin

from loyalty.models import Client, Consent, Member, PointLot, Program, Purchase, Tier


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "currency", "points_per_unit", "expiry_months", "is_active")
    inlines = [TierInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("member_number", "program", "user", "tier", "points", "debt")
    raw_id_fields = ("user", "referred_by")
    readonly_fields = ("points", "debt", "rolling_spend")


@admin.register(PointLot)
class PointLotAdmin(admin.ModelAdmin):
    list_display = ("member", "points", "remaining", "expires_at")
    raw_id_fields = ("member", "entry")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ("brand", "user", "source", "amount", "currency", "paid_at")
    raw_id_fields = ("user", "member", "associate")


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("brand", "user", "associate", "last_purchase_at")
    raw_id_fields = ("user", "member", "associate")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "purpose", "brand", "miniprogram", "granted_at", "withdrawn_at")
    raw_id_fields = ("user",)
