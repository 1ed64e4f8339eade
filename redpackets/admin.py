from django.contrib import admin

from redpackets.models import RedPacket, RedPacketClaim


class RedPacketClaimInline(admin.TabularInline):
    model = RedPacketClaim
    can_delete = False
    extra = 0
    readonly_fields = ("user", "amount", "journal", "created_at")


@admin.register(RedPacket)
class RedPacketAdmin(admin.ModelAdmin):
    list_display = ("id", "sender", "conversation", "mode", "total", "currency", "count")
    list_filter = ("mode", "status", "currency")
    exclude = ("shares",)  # the unclaimed shares are nobody's business before they are opened
    inlines = [RedPacketClaimInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
