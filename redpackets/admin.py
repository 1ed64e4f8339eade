from django.contrib import admin

from redpackets.models import RedPacket, RedPacketClaim
from superapp.core.admin import ReadOnlyAdmin


class RedPacketClaimInline(admin.TabularInline):
    model = RedPacketClaim
    can_delete = False
    extra = 0
    readonly_fields = ("user", "amount", "journal", "created_at")


@admin.register(RedPacket)
class RedPacketAdmin(ReadOnlyAdmin):
    list_display = ("id", "sender", "conversation", "mode", "total", "currency", "count")
    list_filter = ("mode", "status", "currency")
    exclude = ("shares",)  # the unclaimed shares are nobody's business before they are opened
    inlines = [RedPacketClaimInline]
