"""Read-only admin for the ledger: money is only ever moved by payments.services."""

from django.contrib import admin

from payments.models import (
    Account,
    GatewayOrder,
    JournalTransaction,
    PayOrder,
    Posting,
    Refund,
)
from superapp.core.admin import ReadOnlyAdmin


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "user", "organisation", "currency", "shard", "sandbox", "balance")
    list_filter = ("kind", "currency", "sandbox")


class PostingInline(admin.TabularInline):
    model = Posting
    can_delete = False
    extra = 0
    readonly_fields = ("account", "amount", "currency", "created_at")


@admin.register(JournalTransaction)
class JournalTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "reference", "actor", "created_at")
    list_filter = ("type",)
    search_fields = ("reference",)
    inlines = [PostingInline]


@admin.register(PayOrder)
class PayOrderAdmin(ReadOnlyAdmin):
    list_display = (
        "prepay_id",
        "organisation",
        "out_trade_no",
        "amount",
        "currency",
        "status",
        "sandbox",
    )
    list_filter = ("status", "currency", "sandbox")
    search_fields = ("prepay_id", "out_trade_no")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("refund_id", "pay_order", "out_refund_no", "amount", "created_at")


@admin.register(GatewayOrder)
class GatewayOrderAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "user", "amount", "currency", "status", "created_at")
    list_filter = ("kind", "status")
