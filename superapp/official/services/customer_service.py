"""Customer service: canned replies, follower messages and the shared inbox (claim,
hand-over, reply within the window), loyalty campaigns delivered as service messages, and
the erasure of a user's conversations."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from superapp.core import domain_events, ratelimit
from superapp.core.errors import (
    ALREADY_CLAIMED,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from superapp.official import events, locks, selectors
from superapp.official.errors import (
    CANNED_REPLY_LIMIT_REACHED,
    CANNED_REPLY_NOT_FOUND,
    CANNED_REPLY_TITLE_TAKEN,
    HANDOVER_TO_SELF,
    NOT_BRAND_STAFF,
    NOT_CLAIMED_BY_YOU,
    NOT_FOLLOWING,
    SERVICE_WINDOW_CLOSED,
    VERIFIED_SERVICE_ACCOUNT_REQUIRED,
)
from superapp.official.models import (
    Brand,
    CannedReply,
    Follow,
    OfficialAccount,
    ServiceConversation,
    ServiceMessage,
)
from superapp.official.selectors import MANAGERS, STAFF, brand_for_member
from superapp.official.services.brands import _audit, _push_to_brand_server
from superapp.realtime import services as realtime

Kind = OfficialAccount.Kind
Direction = ServiceMessage.Direction


class ServiceWindowClosed(DomainError):
    code = SERVICE_WINDOW_CLOSED
    default_detail = "The customer-service window is closed: wait for the follower to write again."


class VerifiedServiceAccountRequired(DomainError):
    code = VERIFIED_SERVICE_ACCOUNT_REQUIRED
    default_detail = "Customer service needs a service account of a verified brand."


def _canned_reply_save(reply: CannedReply) -> CannedReply:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError as exc:
        raise Conflict(
            "A canned reply already has this title.", code=CANNED_REPLY_TITLE_TAKEN
        ) from exc
    return reply


@transaction.atomic
def canned_reply_create(*, actor, brand_id: int, title: str, text: str) -> CannedReply:
    """Managers write the brand's canned replies; every associate may pick them."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    locks.brands().filter(pk=brand.pk).first()
    if CannedReply.objects.filter(brand=brand).count() >= settings.OFFICIAL_MAX_CANNED_REPLIES:
        raise DomainError("Too many canned replies.", code=CANNED_REPLY_LIMIT_REACHED)
    reply = _canned_reply_save(
        CannedReply(brand=brand, title=title.strip(), text=text, created_by=actor)
    )
    _audit(
        brand=brand,
        actor=actor,
        action="canned_reply.created",
        target=f"canned_reply:{reply.pk}",
        title=reply.title,
    )
    return reply


def _canned_reply_of(*, brand: Brand, reply_id: int) -> CannedReply:
    reply = CannedReply.objects.filter(pk=reply_id, brand=brand).first()
    if reply is None:
        raise NotFound("No such canned reply.", code=CANNED_REPLY_NOT_FOUND)
    return reply


@transaction.atomic
def canned_reply_update(
    *, actor, brand_id: int, reply_id: int, title: str | None = None, text: str | None = None
) -> CannedReply:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    reply = _canned_reply_of(brand=brand, reply_id=reply_id)
    if title is not None:
        reply.title = title.strip()
    if text is not None:
        reply.text = text
    _canned_reply_save(reply)
    _audit(
        brand=brand,
        actor=actor,
        action="canned_reply.updated",
        target=f"canned_reply:{reply.pk}",
        title=reply.title,
    )
    return reply


@transaction.atomic
def canned_reply_delete(*, actor, brand_id: int, reply_id: int) -> None:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    _canned_reply_of(brand=brand, reply_id=reply_id).delete()
    _audit(
        brand=brand, actor=actor, action="canned_reply.deleted", target=f"canned_reply:{reply_id}"
    )


def _message_payload(message: ServiceMessage, account: OfficialAccount) -> dict:
    return {
        "id": message.pk,
        "account_id": account.pk,
        "account_name": account.name,
        "direction": message.direction,
        "kind": message.kind,
        "title": message.title,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }


def _notify_follower(message: ServiceMessage, account: OfficialAccount, user_ids) -> None:
    realtime.event_publish(
        user_ids=user_ids,
        type="official.service_message",
        payload={"message": _message_payload(message, account)},
    )


@transaction.atomic
def service_message_send(*, user, account_id: int, text: str) -> ServiceMessage:
    """A follower writes to the account: the message lands in the brand's shared inbox, opens
    a fresh 48-hour reply window, may trigger a keyword auto-reply, and is pushed to the
    brand's developer server."""
    account = selectors.account_get(account_id=account_id)
    if selectors.follow_of(account=account, user=user) is None:
        raise Forbidden("Follow this account to message it.", code=NOT_FOLLOWING)
    ratelimit.hit(
        "official.message",
        f"{user.pk}",
        limit=settings.OFFICIAL_FOLLOWER_MESSAGES_PER_MINUTE,
        window_seconds=60,
    )
    now = timezone.now()
    conversation, _ = locks.service_conversations().get_or_create(
        account=account, user=user, defaults={"last_message_at": now}
    )
    conversation.window_opened_at = conversation.last_message_at = now
    conversation.replies_in_window = 0
    conversation.save(update_fields=["window_opened_at", "last_message_at", "replies_in_window"])
    message = ServiceMessage.objects.create(
        conversation=conversation, direction=Direction.FROM_FOLLOWER, text=text
    )
    domain_events.emit(
        events.ServiceMessageReceived(
            brand_id=account.brand_id, account_id=account.pk, user_id=user.pk, message_id=message.pk
        )
    )
    staff = [conversation.claimed_by_id] if conversation.claimed_by_id else None
    realtime.event_publish(
        user_ids=staff or selectors.brand_staff_ids(brand=account.brand),
        type="official.inbox_message",
        payload={"conversation_id": conversation.pk, "message": _message_payload(message, account)},
    )
    _push_to_brand_server(
        account=account,
        user=user,
        event_type="official.follower_message",
        message_id=message.pk,
        text=text,
    )
    _auto_reply(conversation=conversation, account=account, text=text)
    return message


def _auto_reply(*, conversation: ServiceConversation, account: OfficialAccount, text: str) -> None:
    """Answer a keyword at once. Automatic answers do not use up the brand's replies."""
    rule = selectors.keyword_reply_matching(account=account, text=text)
    if rule is None:
        return
    reply = ServiceMessage.objects.create(
        conversation=conversation,
        direction=Direction.FROM_BRAND,
        kind=ServiceMessage.Kind.AUTO_REPLY,
        text=rule.reply,
    )
    _notify_follower(reply, account, [conversation.user_id])


def _require_customer_service(account: OfficialAccount) -> None:
    if account.kind != Kind.SERVICE or not account.brand.is_verified:
        raise VerifiedServiceAccountRequired()


def _announce_claim(conversation: ServiceConversation, account: OfficialAccount) -> None:
    """Tell every member of the brand who now holds the conversation, so each inbox shows it."""
    realtime.event_publish(
        user_ids=selectors.brand_staff_ids(brand=account.brand),
        type="official.inbox_claimed",
        payload={
            "conversation_id": conversation.pk,
            "claimed_by": conversation.claimed_by.username if conversation.claimed_by else None,
        },
    )


@transaction.atomic
def conversation_claim(*, actor, conversation_id: int) -> ServiceConversation:
    """An associate takes a conversation from the shared inbox; first come, first served."""
    conversation = selectors.conversation_for_staff(conversation_id=conversation_id, user=actor)
    _require_customer_service(conversation.account)
    claimed = ServiceConversation.objects.filter(
        pk=conversation.pk, claimed_by__isnull=True
    ).update(claimed_by=actor, claimed_at=timezone.now())
    conversation.refresh_from_db()
    if not claimed and conversation.claimed_by_id != actor.pk:
        raise Conflict("Another associate has claimed this conversation.", code=ALREADY_CLAIMED)
    if claimed:
        _announce_claim(conversation, conversation.account)
    return conversation


@transaction.atomic
def conversation_handover(*, actor, conversation_id: int, to) -> ServiceConversation:
    """The associate holding a conversation (or a manager) passes it to a colleague of the
    brand, who may answer at once; the hand-over is in the brand's audit log."""
    account = selectors.conversation_for_staff(conversation_id=conversation_id, user=actor).account
    _require_customer_service(account)
    conversation = locks.service_conversations().get(pk=conversation_id)
    role = selectors.brand_role(brand=account.brand, user=actor)
    if conversation.claimed_by_id != actor.pk and role not in MANAGERS:
        raise Conflict("Claim the conversation before handing it over.", code=NOT_CLAIMED_BY_YOU)
    if to.pk not in selectors.brand_user_ids(brand_id=account.brand_id, roles=STAFF):
        raise InvalidInput(
            "Hand the conversation to a member of the brand.",
            fields={"username": ["Not a member of this brand."]},
            code=NOT_BRAND_STAFF,
        )
    if to.pk == conversation.claimed_by_id:
        raise Conflict("They already hold this conversation.", code=HANDOVER_TO_SELF)
    previous = conversation.claimed_by
    conversation.claimed_by, conversation.claimed_at = to, timezone.now()
    conversation.save(update_fields=["claimed_by", "claimed_at"])
    _audit(
        brand=account.brand,
        actor=actor,
        action="service_conversation.handed_over",
        target=f"service_conversation:{conversation.pk}",
        from_user=previous.username if previous else None,
        to_user=to.username,
    )
    _announce_claim(conversation, account)
    return selectors.conversation_for_staff(conversation_id=conversation.pk, user=actor)


@transaction.atomic
def service_reply_send(*, actor, conversation_id: int, text: str) -> ServiceMessage:
    """The claiming associate answers as the brand, within the follower's window (the WeChat
    48-hour rule: at most 5 replies within 48 h of the follower's last message)."""
    account = selectors.conversation_for_staff(conversation_id=conversation_id, user=actor).account
    _require_customer_service(account)
    conversation = locks.service_conversations().get(pk=conversation_id)
    if conversation.claimed_by_id != actor.pk:
        raise Conflict("Claim the conversation before replying.", code=NOT_CLAIMED_BY_YOU)
    if not selectors.service_window_is_open(conversation):
        raise ServiceWindowClosed()
    now = timezone.now()
    message = ServiceMessage.objects.create(
        conversation=conversation, direction=Direction.FROM_BRAND, text=text, sent_by=actor
    )
    conversation.replies_in_window = F("replies_in_window") + 1
    conversation.last_message_at = now
    conversation.save(update_fields=["replies_in_window", "last_message_at"])
    _notify_follower(message, account, [conversation.user_id])
    return message


@transaction.atomic(savepoint=False)
def campaign_deliver(
    *, campaign_id: int, brand_id: int, account_id: int, user_ids: list[int], title: str, body: str
) -> int:
    """Deliver a loyalty campaign as a service message from the brand to those listed users
    who follow the account (nobody else is messaged). Returns how many received it."""
    account = (
        OfficialAccount.objects.select_related("brand")
        .filter(pk=account_id, brand_id=brand_id)
        .first()
    )
    if account is None:
        return 0
    followers = list(
        Follow.objects.filter(account=account, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    if not followers:
        return 0
    now = timezone.now()
    ServiceConversation.objects.bulk_create(
        [
            ServiceConversation(account=account, user_id=uid, last_message_at=now)
            for uid in followers
        ],
        ignore_conflicts=True,
    )
    conversations = ServiceConversation.objects.filter(account=account, user_id__in=followers)
    ServiceMessage.objects.bulk_create(
        [
            ServiceMessage(
                conversation=conversation,
                direction=Direction.FROM_BRAND,
                kind=ServiceMessage.Kind.CAMPAIGN,
                title=title,
                text=body,
                campaign_id=campaign_id,
            )
            for conversation in conversations
        ],
        ignore_conflicts=True,
    )
    conversations.update(last_message_at=now)
    realtime.event_publish(
        user_ids=followers,
        type="official.service_message",
        payload={
            "message": {
                "account_id": account.pk,
                "account_name": account.name,
                "direction": Direction.FROM_BRAND,
                "kind": ServiceMessage.Kind.CAMPAIGN,
                "title": title,
                "text": body,
                "campaign_id": campaign_id,
            }
        },
    )
    return len(followers)


@transaction.atomic(savepoint=False)  # inside the account's erasure
def service_conversations_erase(*, user) -> None:
    """Data erasure: the user's threads with brands go; their words as brand staff stay,
    unattributed."""
    ServiceConversation.objects.filter(user=user).delete()
    ServiceMessage.objects.filter(sent_by=user).update(sent_by=None)
    ServiceConversation.objects.filter(claimed_by=user).update(claimed_by=None, claimed_at=None)
