"""Reads of conversations and messages. Other apps call ``conversation_member_ids`` and
``is_member``; everything a user reads goes through their membership (404 otherwise)."""

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from superapp.core.errors import CONVERSATION_NOT_FOUND, NotFound
from superapp.core.fulltext import Search
from superapp.messaging.errors import MESSAGE_NOT_FOUND
from superapp.messaging.models import (
    CONVERSATION_SEARCH,
    MESSAGE_SEARCH,
    Conversation,
    Member,
    Message,
)


def conversation_member_ids(conversation_id: int) -> list[int]:
    return list(
        Member.objects.filter(conversation_id=conversation_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def is_member(*, conversation_id: int, user) -> bool:
    user_id = user if isinstance(user, int) else user.pk
    return Member.objects.filter(conversation_id=conversation_id, user_id=user_id).exists()


def is_member_of_any(*, viewer, ids) -> bool:
    """Media's rule for uploads shown in conversations: their members may see them."""
    return Member.objects.filter(conversation_id__in=ids, user=viewer).exists()


def membership(*, conversation_id: int, user) -> Member:
    """The caller's membership; 404 for a conversation they are not (or no longer) in."""
    member = (
        Member.objects.select_related("conversation")
        .filter(conversation_id=conversation_id, user=user)
        .first()
    )
    if member is None:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    return member


def _member_count() -> Subquery:
    return Subquery(
        Member.objects.filter(conversation=OuterRef("conversation"))
        .values("conversation")
        .annotate(count=Count("*"))
        .values("count")
    )


def conversations_for(*, user) -> QuerySet[Member]:
    """The user's conversations as memberships, most recently active first, each with its
    last message, unread count, member count, @-mention flag and (direct chats) the peer,
    in a fixed number of queries."""
    return (
        Member.objects.filter(user=user)
        .select_related("conversation__last_message__sender")
        .annotate(
            last_activity_at=F("conversation__last_activity_at"),
            unread_count=F("conversation__last_seq") - F("read_seq"),
            member_count=_member_count(),
            mentioned=Q(last_mention_seq__gt=F("read_seq")),
        )
        .prefetch_related(
            Prefetch(
                "conversation__members",
                queryset=Member.objects.filter(conversation__kind=Conversation.Kind.DIRECT)
                .exclude(user=user)
                .select_related("user"),
                to_attr="peers",
            )
        )
    )


def conversation_detail(*, conversation_id: int, user) -> Member:
    """One conversation as ``conversations_for`` shapes it, plus every member."""
    member = (
        conversations_for(user=user)
        .filter(conversation_id=conversation_id)
        .prefetch_related(
            Prefetch(
                "conversation__members",
                queryset=Member.objects.select_related("user").order_by("id"),
                to_attr="all_members",
            )
        )
        .first()
    )
    if member is None:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    return member


def messages_after(*, conversation_id: int, user, after_seq: int, limit: int) -> list[Message]:
    """Up to ``limit`` messages after ``after_seq``, ascending; never any from before the
    member joined."""
    member = membership(conversation_id=conversation_id, user=user)
    return list(
        Message.objects.filter(
            conversation_id=conversation_id, seq__gt=max(after_seq, member.joined_seq)
        )
        .select_related("sender")
        .order_by("seq")[:limit]
    )


def peer_positions(*, conversation_id: int, user) -> dict | None:
    """In a direct chat, how far the other member has received and read (for ticks)."""
    return (
        Member.objects.filter(
            conversation_id=conversation_id, conversation__kind=Conversation.Kind.DIRECT
        )
        .exclude(user=user)
        .values("delivered_seq", "read_seq")
        .first()
    )


def message_for_member(*, message_id: int, user) -> Message:
    message = (
        Message.objects.select_related("sender", "conversation")
        .filter(
            pk=message_id,
            conversation__members__user=user,
            seq__gt=F("conversation__members__joined_seq"),
        )
        .first()
    )
    if message is None:
        raise NotFound("No such message.", code=MESSAGE_NOT_FOUND)
    return message


def readable_message_count(*, viewer) -> int:
    """How many messages ``viewer`` can read at most (every seq since joining, each of their
    conversations): one indexed aggregate over their memberships."""
    total = Member.objects.filter(user=viewer).aggregate(
        total=Sum(F("conversation__last_seq") - F("joined_seq"))
    )["total"]
    return total or 0


def messages_search(*, viewer, search: Search) -> QuerySet[Message]:
    """Messages matching ``search`` that ``viewer`` can read: in conversations they are a
    member of, from after they joined, never recalled ones (the row keeps its text) nor erased
    ones (text blanked); best first, then newest. Callers exclude senders as they need.

    Someone who can read at most ``SEARCH_MESSAGES_SCAN_MAX`` messages has them checked one by
    one from their conversations (fast, and immune to the planner misjudging a phrase of CJK
    bigrams as rare); beyond that the GIN index finds the candidates."""
    if readable_message_count(viewer=viewer) <= settings.SEARCH_MESSAGES_SCAN_MAX:
        search = search.checked_row_by_row()
    return (
        Message.objects.filter(
            search.condition(MESSAGE_SEARCH),
            conversation__members__user=viewer,
            seq__gt=F("conversation__members__joined_seq"),
            recalled_at__isnull=True,
        )
        .exclude(text="")
        .select_related("sender", "conversation")
        .alias(rank=search.rank(MESSAGE_SEARCH))
        .order_by("-rank", "-id")
    )


def conversations_search(*, viewer, search: Search) -> QuerySet[Conversation]:
    """``viewer``'s conversations whose title matches ``search``, best first, then the most
    recently active."""
    return (
        Conversation.objects.filter(search.condition(CONVERSATION_SEARCH), members__user=viewer)
        .alias(rank=search.rank(CONVERSATION_SEARCH))
        .order_by("-rank", "-last_activity_at")
    )
