"""System checks of the payments settings (``manage.py check``, and every server's start)."""

from django.conf import settings
from django.core import checks

from payments.models import PayOrder


@checks.register(checks.Tags.compatibility)
def payorder_ttl_within_max(app_configs, **kwargs) -> list[checks.Error]:
    """A pay order lives at most ``PayOrder.TTL_MAX``: the settlement report relies on it."""
    if settings.PAYMENTS_PAYORDER_TTL <= PayOrder.TTL_MAX:
        return []
    return [
        checks.Error(
            f"PAYMENTS_PAYORDER_TTL_MINUTES is over {PayOrder.TTL_MAX}.",
            hint="The settlement report finds a day's payments among the orders created at "
            "most a day before it (docs/payments.md).",
            id="payments.E001",
        )
    ]
