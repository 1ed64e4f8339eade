from django.contrib import admin

from superapp.webhooks.models import WebhookAttempt, WebhookDelivery


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    readonly_fields = ("attempted_at", "status_code", "error", "duration_ms")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_type", "owner", "url", "status", "attempts", "created_at")
    list_filter = ("status", "event_type")
    exclude = ("secret",)
    readonly_fields = ("event_id", "body", "attempts", "delivered_at", "created_at")
    inlines = [WebhookAttemptInline]
