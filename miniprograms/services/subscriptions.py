"""Subscribe messages: a user accepting templates, and an app sending one."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from miniprograms import events, locks, selectors
from miniprograms.errors import NO_SUBSCRIPTION, SCOPE_NOT_ALLOWED, SUBSCRIPTION_NOT_FOUND
from miniprograms.models import (
    MiniProgram,
    SubscribeAcceptance,
    SubscribeMessage,
)
from superapp.core import domain_events, ratelimit
from superapp.core.errors import Forbidden, NotFound

# --- Subscribe messages ------------------------------------------------------------------------


@transaction.atomic
def subscription_accept(
    *, user, app_id: str, templates: list[str], always: list[str] = ()
) -> list[SubscribeAcceptance]:
    """The user allows one message per template in ``templates`` and every message of each
    template in ``always`` until they turn it off. A template already accepted "always" is
    not accepted again (the standing acceptance is returned as it is)."""
    miniprogram, _version = selectors.miniprogram_for_consumer(app_id=app_id, user=user)
    if "subscribe_message" not in miniprogram.allowed_scopes:
        raise Forbidden("This app may not send subscribe messages.", code=SCOPE_NOT_ALLOWED)
    Mode = SubscribeAcceptance.Mode
    standing = {
        acceptance.template: acceptance
        for acceptance in SubscribeAcceptance.objects.filter(
            miniprogram=miniprogram, user=user, mode=Mode.ALWAYS, revoked_at__isnull=True
        )
    }
    once = SubscribeAcceptance.objects.bulk_create(
        [
            SubscribeAcceptance(miniprogram=miniprogram, user=user, template=t)
            for t in templates
            if t not in standing
        ]
    )
    for template in dict.fromkeys(always):
        if template not in standing:
            # Two racing requests: the constraint keeps one standing acceptance.
            standing[template], _ = SubscribeAcceptance.objects.get_or_create(
                miniprogram=miniprogram,
                user=user,
                template=template,
                mode=Mode.ALWAYS,
                revoked_at__isnull=True,
            )
    return once + [standing[t] for t in dict.fromkeys(always)]


def subscription_turn_off(*, user, app_id: str, template: str) -> None:
    """Turn off a standing ("always") acceptance; unused one-time acceptances stay."""
    turned_off = SubscribeAcceptance.objects.filter(
        miniprogram__app_id=app_id,
        user=user,
        template=template,
        mode=SubscribeAcceptance.Mode.ALWAYS,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    if not turned_off:
        raise NotFound("No such subscription.", code=SUBSCRIPTION_NOT_FOUND)


@transaction.atomic
def subscribe_message_send(
    *, miniprogram: MiniProgram, openid: str, template: str, data: dict
) -> SubscribeMessage:
    """Send one message of ``template`` on the user's standing ("always") acceptance, or else
    spend one unused one-time acceptance; without either: 403 no_subscription.
    Messaging delivers it to the user's service notifications (event
    ``miniprograms.subscribe_message_sent``)."""
    ratelimit.hit(
        "mp-subscribe_message",
        miniprogram.app_id,
        limit=settings.MINIPROGRAM_SUBSCRIBE_MESSAGES_PER_DAY,
        window_seconds=86400,
    )
    user = selectors.user_for_openid(miniprogram=miniprogram, openid=openid)
    acceptance = SubscribeAcceptance.objects.filter(
        miniprogram=miniprogram,
        user=user,
        template=template,
        mode=SubscribeAcceptance.Mode.ALWAYS,
        revoked_at__isnull=True,
    ).first()
    if acceptance is None:
        acceptance = (
            locks.subscribe_acceptances(skip_locked=True)
            .filter(
                miniprogram=miniprogram,
                user=user,
                template=template,
                mode=SubscribeAcceptance.Mode.ONCE,
                used_at__isnull=True,
            )
            .order_by("id")
            .first()
        )
        if acceptance is None:
            raise Forbidden(
                "The user has no unused subscription to this template.", code=NO_SUBSCRIPTION
            )
        acceptance.used_at = timezone.now()
        acceptance.save(update_fields=["used_at"])
    message = SubscribeMessage.objects.create(
        acceptance=acceptance,
        once=acceptance.mode == SubscribeAcceptance.Mode.ONCE,
        miniprogram=miniprogram,
        user=user,
        template=template,
        data=data,
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
