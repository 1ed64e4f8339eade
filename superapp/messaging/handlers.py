"""Domain-event listeners (registered in apps.py): platform events become service
notifications. Each runs once per event, after the emitter's commit, inside a transaction."""

from miniprograms.events import SubscribeMessageSent
from miniprograms.shop.events import OrderStatusChanged
from superapp.accounts.models import User
from superapp.messaging.services import service_notification_send


def _recipient(user_id) -> User | None:
    """The user to notify; nobody if they were erased or deactivated meanwhile."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def on_order_status_changed(*, event_id: int, event: OrderStatusChanged) -> None:
    user = _recipient(event.buyer_user_id)
    if user is None:
        return
    service_notification_send(
        user=user,
        source="shop",
        title=event.title,
        body=event.body,
        data={
            "event_id": event_id,
            "order_id": event.order_id,
            "brand_id": event.brand_id,
            "status": event.status,
        },
    )


def on_subscribe_message_sent(*, event_id: int, event: SubscribeMessageSent) -> None:
    user = _recipient(event.user_id)
    if user is None:
        return
    service_notification_send(
        user=user,
        source=f"miniprogram:{event.app_id}",
        title=event.title,
        body=event.body,
        data={
            "event_id": event_id,
            "app_id": event.app_id,
            "template": event.template,
            "message_id": event.message_id,
            "fields": event.data,
        },
    )
