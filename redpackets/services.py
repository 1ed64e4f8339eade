"""Every write of red packets: a member puts money into a chat, members claim shares, the rest
goes back at expiry. Money moves through payments' services; the chat through messaging's."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments import services as payments
from redpackets import locks, splits
from redpackets.errors import (
    OWN_RED_PACKET,
    RED_PACKET_COUNT_EXCEEDED,
    RED_PACKET_EMPTY,
    RED_PACKET_EXPIRED,
    RED_PACKET_NOT_ALLOWED,
    RED_PACKET_NOT_FOUND,
    RED_PACKET_TOTAL_EXCEEDED,
)
from redpackets.models import RedPacket, RedPacketClaim
from superapp.core.errors import (
    ALREADY_CLAIMED,
    BLOCKED,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from superapp.messaging import selectors as messaging_selectors
from superapp.messaging import services as messaging_services
from superapp.realtime.services import event_publish
from superapp.social import selectors as social

DEFAULT_GREETING = "Best wishes!"
GREETING_MAX_LENGTH = 100  # what a red-packet card's payload holds (messaging/payloads.py)


def _red_packet_request_validate(*, mode, count, currency: str, greeting: str) -> None:
    errors = {}
    if mode not in RedPacket.Mode.values:
        errors["mode"] = ["Must be lucky or fixed."]
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        errors["count"] = ["Must be a positive integer."]
    usable = [c for c in settings.PAYMENTS_CURRENCIES if c in settings.RED_PACKET_MAX_TOTAL]
    if currency not in usable:
        errors["currency"] = [f"Red packets take {', '.join(usable)}."]
    if len(greeting) > GREETING_MAX_LENGTH:
        errors["greeting"] = [f"At most {GREETING_MAX_LENGTH} characters."]
    if errors:
        raise InvalidInput(fields=errors)


def _positive_amount(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(fields={field: ["Must be a positive integer in minor units."]})
    return value


def _red_packet_total(*, mode: str, count: int, total, amount_each) -> int:
    """The packet's total: ``amount_each`` times ``count`` (fixed) or ``total`` (lucky, at least one
    minor unit per share). Each mode takes exactly its own amount field."""
    if mode == RedPacket.Mode.FIXED:
        if total is not None:
            raise InvalidInput(fields={"total": ["A fixed packet gives amount_each, not total."]})
        return _positive_amount(amount_each, "amount_each") * count
    if amount_each is not None:
        raise InvalidInput(fields={"amount_each": ["A lucky packet gives total, not amount_each."]})
    if _positive_amount(total, "total") < count:
        raise InvalidInput(fields={"total": [f"At least 1 minor unit for each of {count}."]})
    return total


def _red_packet_limits_check(*, actor, conversation, total: int, count: int, currency) -> None:
    """Where red packets may go, how big and how many shares (422 with the limit)."""
    if conversation.kind == conversation.Kind.SERVICE:
        raise DomainError("Red packets go to chats and groups.", code=RED_PACKET_NOT_ALLOWED)
    member_ids = messaging_selectors.conversation_member_ids(conversation.pk)
    if conversation.kind == conversation.Kind.DIRECT:
        peers = [uid for uid in member_ids if uid != actor.pk]  # none if the peer was erased
        if any(social.either_blocked(actor, peer) for peer in peers):
            raise Forbidden("You cannot message this user.", code=BLOCKED)
        max_count = len(peers)
    else:
        max_count = min(len(member_ids), settings.RED_PACKET_MAX_COUNT)
    max_total = settings.RED_PACKET_MAX_TOTAL[currency]
    if total > max_total:
        raise DomainError(
            "This red packet is larger than allowed.",
            code=RED_PACKET_TOTAL_EXCEEDED,
            max_total=max_total,
        )
    if count > max_count:
        raise DomainError(
            "More shares than this chat allows.",
            code=RED_PACKET_COUNT_EXCEEDED,
            max_count=max_count,
        )


def _red_packet_reference(packet: RedPacket) -> str:
    return f"redpacket:{packet.pk}"


@transaction.atomic
def red_packet_create(
    *,
    actor,
    conversation_id: int,
    mode: str,
    count: int,
    currency: str,
    pin: str,
    total: int | None = None,
    amount_each: int | None = None,
    greeting: str = "",
) -> RedPacket:
    """A member puts a red packet into a conversation: the money moves from their wallet to
    escrow, the shares are decided (redpackets/splits.py), and the card is posted in the chat.

    Non-members get 404. Limits: ``RED_PACKET_MAX_TOTAL`` per currency, at most as many
    shares as the group has members (``RED_PACKET_MAX_COUNT`` overall; 1 in a direct chat)."""
    _red_packet_request_validate(mode=mode, count=count, currency=currency, greeting=greeting)
    membership = messaging_selectors.membership(conversation_id=conversation_id, user=actor)
    total = _red_packet_total(mode=mode, count=count, total=total, amount_each=amount_each)
    _red_packet_limits_check(
        actor=actor,
        conversation=membership.conversation,
        total=total,
        count=count,
        currency=currency,
    )
    payments.pin_verify(user=actor, pin=pin)
    wallet, escrow = payments.red_packet_accounts(user=actor, currency=currency)
    is_fixed = mode == RedPacket.Mode.FIXED
    packet = RedPacket.objects.create(
        sender=actor,
        conversation_id=conversation_id,
        mode=mode,
        currency=currency,
        total=total,
        amount_each=amount_each if is_fixed else None,
        count=count,
        greeting=greeting.strip() or DEFAULT_GREETING,
        shares=splits.fixed_split(amount_each, count)
        if is_fixed
        else splits.lucky_split(total, count),
        escrow=escrow,
        expires_at=timezone.now() + settings.RED_PACKET_TTL,
    )
    payments.red_packet_hold(
        actor=actor,
        wallet=wallet,
        escrow=escrow,
        amount=total,
        reference=_red_packet_reference(packet),
    )
    messaging_services.message_post_system(
        conversation_id=conversation_id,
        type="red_packet",
        payload={"red_packet_id": packet.pk, "greeting": packet.greeting},
        text=f"[Red packet] {packet.greeting}",
        sender=actor,
    )
    return packet


def _red_packet_locked(packet_id: int) -> RedPacket | None:
    return (
        locks.red_packets()
        .select_related("sender", "conversation", "escrow")
        .filter(pk=packet_id)
        .first()
    )


@transaction.atomic
def red_packet_claim(*, actor, packet_id: int) -> RedPacketClaim:
    """A member opens a red packet and gets the next share.

    The packet row is locked first, so concurrent claims take shares one after the other: the
    count and the total can never be exceeded (and the database CHECKs would refuse it). Each
    member claims once (409 ``already_claimed``, with the amount they got). The sender may
    claim in a group (as on WeChat), not in a direct chat, where the packet is for the peer."""
    packet = _red_packet_locked(packet_id)
    if packet is None or not messaging_selectors.is_member(
        conversation_id=packet.conversation_id, user=actor
    ):
        raise NotFound("No such red packet.", code=RED_PACKET_NOT_FOUND)
    previous = packet.claims.filter(user=actor).first()
    if previous is not None:
        raise Conflict(
            "You already opened this red packet.", code=ALREADY_CLAIMED, amount=previous.amount
        )
    if packet.sender_id == actor.pk and packet.conversation.kind == packet.conversation.Kind.DIRECT:
        raise DomainError("This red packet is for the other person.", code=OWN_RED_PACKET)
    if packet.claimed_count >= packet.count:
        raise DomainError("Every share of this red packet was claimed.", code=RED_PACKET_EMPTY)
    if packet.status == RedPacket.Status.EXPIRED or packet.expires_at <= timezone.now():
        raise DomainError("This red packet has expired.", code=RED_PACKET_EXPIRED)
    amount = packet.shares[packet.claimed_count]
    journal = payments.red_packet_share_pay(
        actor=actor, escrow=packet.escrow, amount=amount, reference=_red_packet_reference(packet)
    )
    claim = RedPacketClaim.objects.create(packet=packet, user=actor, amount=amount, journal=journal)
    packet.claimed_count += 1
    packet.claimed_amount += amount
    if packet.claimed_count == packet.count:
        packet.status, packet.finished_at = RedPacket.Status.FINISHED, timezone.now()
    packet.save(update_fields=["claimed_count", "claimed_amount", "status", "finished_at"])
    _red_packet_claim_announce(packet=packet, claim=claim)
    return claim


def _red_packet_claim_announce(*, packet: RedPacket, claim: RedPacketClaim) -> None:
    """Tell the chat (system notices) and the sender (a ``red_packet.claimed`` event).

    The notices come first: they lock the conversation and then every member's event cursor
    in one sorted batch; the events after them only touch cursors this transaction already
    holds (a sender who left the group gets no event), so no lock-order cycle can form with
    messages being sent in the same conversation."""
    claimer, sender = claim.user, packet.sender
    own = claimer.pk == sender.pk
    opened = "{0} opened their own red packet" if own else "{0} opened {1}'s red packet"
    notice = {"red_packet_id": packet.pk, "sender_id": sender.pk}
    messaging_services.message_post_system(
        conversation_id=packet.conversation_id,
        type="system",
        payload={**notice, "event": "red_packet_claimed", "user_id": claimer.pk},
        text=opened,
        named=[claimer] if own else [claimer, sender],
    )
    if packet.status == RedPacket.Status.FINISHED:
        messaging_services.message_post_system(
            conversation_id=packet.conversation_id,
            type="system",
            payload={**notice, "event": "red_packet_finished"},
            text=f"All {packet.count} red packets were claimed",
        )
    members = set(messaging_selectors.conversation_member_ids(packet.conversation_id))
    if sender.pk in members:
        event_publish(
            user_ids=[sender.pk],
            type="red_packet.claimed",
            payload={
                "red_packet_id": packet.pk,
                "conversation_id": packet.conversation_id,
                "user": {
                    "id": claimer.pk,
                    "username": claimer.username,
                    "display_name": claimer.display_name,
                },
                "amount": claim.amount,
                "currency": packet.currency,
                "claimed_count": packet.claimed_count,
                "count": packet.count,
                "status": packet.status,
            },
        )
    payments.wallet_changed_announce(
        user_id=claimer.pk, currency=packet.currency, reason="red_packet_claim", amount=claim.amount
    )


@transaction.atomic
def red_packet_expire(*, packet_id: int) -> int:
    """Give the unclaimed rest of an expired packet back to its sender; returns the amount.

    The packet row is locked and must still be ``active`` and past ``expires_at``: running this
    again (a second beat, a retry) finds it ``expired`` and moves nothing."""
    packet = _red_packet_locked(packet_id)
    if (
        packet is None
        or packet.status != RedPacket.Status.ACTIVE
        or packet.expires_at > timezone.now()
    ):
        return 0
    remaining = packet.remaining_amount  # >= 1: every unclaimed share is at least one unit
    payments.red_packet_rest_return(
        sender=packet.sender,
        escrow=packet.escrow,
        amount=remaining,
        reference=_red_packet_reference(packet),
    )
    packet.status, packet.finished_at = RedPacket.Status.EXPIRED, timezone.now()
    packet.refunded_amount = remaining
    packet.save(update_fields=["status", "finished_at", "refunded_amount"])
    payments.wallet_changed_announce(
        user_id=packet.sender_id,
        currency=packet.currency,
        reason="red_packet_return",
        amount=remaining,
    )
    return remaining
