from django.db.models import QuerySet

from superapp.webhooks.models import WebhookDelivery


def deliveries_for_owner(owner: str) -> QuerySet[WebhookDelivery]:
    """An owner's delivery log with its attempts, newest first, without N+1."""
    return (
        WebhookDelivery.objects.filter(owner=owner)
        .prefetch_related("log")
        .order_by("-created_at", "-id")
    )
