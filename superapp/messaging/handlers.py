"""Domain-event listeners (registered in apps.py): platform events become service
notifications. Each runs once per event, after the emitter's commit, inside a transaction."""

from superapp.accounts.models import User
from superapp.messaging.services import service_notification_send


def _recipient(user_id) -> User | None:
    """The user to notify; nobody if they were erased or deactivated meanwhile."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def on_order_status_changed(*, event_id: int, payload: dict) -> None:
    user = _recipient(payload["buyer_user_id"])
    if user is None:
        return
    service_notification_send(
        user=user,
        source="shop",
        title=payload["title"],
        body=payload["body"],
        data={
            "event_id": event_id,
            "order_id": payload["order_id"],
            "brand_id": payload["brand_id"],
            "status": payload["status"],
        },
    )


def on_subscribe_message_sent(*, event_id: int, payload: dict) -> None:
    user = _recipient(payload["user_id"])
    if user is None:
        return
    service_notification_send(
        user=user,
        source=f"miniprogram:{payload['app_id']}",
        # events emitted before the rendered texts existed carry only the template id
        title=payload.get("title", payload["app_name"]),
        body=payload.get("body", str(payload["template"])),
        data={
            "event_id": event_id,
            "app_id": payload["app_id"],
            "template": payload["template"],
            "message_id": payload["message_id"],
            "fields": payload["data"],
        },
    )
