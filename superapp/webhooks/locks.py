"""The webhooks app's row locks: each a queryset locked FOR UPDATE (of its own rows)
in primary-key order, so two transactions always take them in the same order (docs/architecture.md,
"Locks")."""

from superapp.core.locks import lock_objects
from superapp.webhooks.models import WebhookDelivery


def webhook_deliveries(*, skip_locked: bool = False):
    return lock_objects(WebhookDelivery.objects, skip_locked=skip_locked)
