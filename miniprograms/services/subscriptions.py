"""Subscribe messages: a user accepting templates, and an app sending one."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from miniprograms import events, selectors
from miniprograms.models import (
    MiniProgram,
    SubscribeAcceptance,
    SubscribeMessage,
)
from superapp.core import domain_events, ratelimit
from superapp.core.errors import Forbidden

# --- Subscribe messages ------------------------------------------------------------------------


@transaction.atomic
def subscription_accept(*, user, app_id: str, templates: list[str]) -> list[SubscribeAcceptance]:
    """The user allows one message per listed template."""
    miniprogram, _version = selectors.miniprogram_for_consumer(app_id=app_id, user=user)
    if "subscribe_message" not in miniprogram.allowed_scopes:
        raise Forbidden("This app may not send subscribe messages.", code="scope_not_allowed")
    return SubscribeAcceptance.objects.bulk_create(
        [SubscribeAcceptance(miniprogram=miniprogram, user=user, template=t) for t in templates]
    )


@transaction.atomic
def subscribe_message_send(
    *, miniprogram: MiniProgram, openid: str, template: str, data: dict
) -> SubscribeMessage:
    """Spend one acceptance of ``template`` on one message; without one: 403 no_subscription.
    Messaging delivers it to the user's service notifications (event
    ``miniprograms.subscribe_message_sent``)."""
    ratelimit.hit(
        "mp-subscribe_message",
        miniprogram.app_id,
        limit=settings.MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY,
        window_seconds=86400,
    )
    user = selectors.user_for_openid(miniprogram=miniprogram, openid=openid)
    acceptance = (
        SubscribeAcceptance.objects.select_for_update(skip_locked=True)
        .filter(miniprogram=miniprogram, user=user, template=template, used_at__isnull=True)
        .order_by("id")
        .first()
    )
    if acceptance is None:
        raise Forbidden(
            "The user has no unused subscription to this template.", code="no_subscription"
        )
    acceptance.used_at = timezone.now()
    acceptance.save(update_fields=["used_at"])
    message = SubscribeMessage.objects.create(
        acceptance=acceptance, miniprogram=miniprogram, user=user, template=template, data=data
    )
    domain_events.emit(
        events.SubscribeMessageSent(
            user_id=user.pk,
            app_id=miniprogram.app_id,
            app_name=miniprogram.name,
            template=template,
            data=data,
            message_id=message.pk,
            **selectors.subscribe_message_text(
                miniprogram=miniprogram, template=template, data=data
            ),
        )
    )
    return message
