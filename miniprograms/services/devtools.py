"""Developer tools: replaying a webhook delivery."""

from django.db import transaction

from miniprograms import selectors
from superapp.core.errors import NotFound
from superapp.webhooks import services as webhook_services
from superapp.webhooks.selectors import deliveries_for_owner

# --- Developer tools ---------------------------------------------------------------------------


@transaction.atomic
def webhook_replay(*, actor, app_id: str, delivery_id: int):
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    delivery = (
        deliveries_for_owner(selectors.webhook_owner(miniprogram)).filter(pk=delivery_id).first()
    )
    if delivery is None:
        raise NotFound("No such delivery.", code="delivery_not_found")
    return webhook_services.webhook_resend(delivery=delivery)
