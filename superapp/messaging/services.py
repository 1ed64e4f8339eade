"""Every write of messaging. A message takes the next ``seq`` of its conversation while the
conversation row is locked, and is published to every member's event log in the same
transaction, so what sync returns is exactly what was committed."""

import functools
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Lower
from django.utils import timezone

from superapp.accounts.models import User
from superapp.core import ratelimit, sql
from superapp.core.errors import (
    BLOCKED,
    CONVERSATION_NOT_FOUND,
    MEMBER_NOT_FOUND,
    NOT_A_CONTACT,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from superapp.media import selectors as media_selectors
from superapp.media import services as media_services
from superapp.messaging import locks, selectors
from superapp.messaging.errors import (
    ALREADY_RECALLED,
    CANNOT_CHAT_WITH_SELF,
    CLIENT_MSG_ID_REUSED,
    GROUP_FULL,
    MENTION_ALL_FORBIDDEN,
    NOT_A_GROUP,
    NOT_A_GROUP_ADMIN,
    NOT_GROUP_OWNER,
    NOT_SENDER,
    READ_ONLY_CONVERSATION,
    RECALL_WINDOW_PASSED,
    USE_LEAVE,
)
from superapp.messaging.models import Conversation, Member, Message, NoticeName
from superapp.messaging.payloads import MEDIA_FACTS, USER_TYPES, validated_content
from superapp.realtime.services import event_copies_replace, event_publish
from superapp.social import selectors as social

Kind = Conversation.Kind
Role = Member.Role
MANAGERS = (Role.OWNER, Role.ADMIN)


# --- Conversations -----------------------------------------------------------------------------


def _locked_conversation(conversation_id: int) -> Conversation:
    conversation = locks.conversations().filter(pk=conversation_id).first()
    if conversation is None:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    return conversation


def _locked_membership(conversation_id: int, user) -> tuple[Conversation, Member]:
    """Lock the conversation (serialising every change to it), then find the caller in it."""
    conversation = _locked_conversation(conversation_id)
    member = Member.objects.filter(conversation=conversation, user=user).first()
    if member is None:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    return conversation, member


def _get_or_create_keyed(
    *, key: str, kind: str, user_ids: Iterable[int], title: str = ""
) -> tuple[Conversation, bool]:
    """The conversation with ``key``, created once even under concurrent requests: the unique
    key makes the losing insert fail, and the loser then reads the winner's row."""
    existing = Conversation.objects.filter(unique_key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(kind=kind, unique_key=key, title=title)
            Member.objects.bulk_create(
                [Member(conversation=conversation, user_id=uid) for uid in user_ids]
            )
            return conversation, True
    except IntegrityError:
        return Conversation.objects.get(unique_key=key), False


def _assert_may_chat(actor, other) -> None:
    if social.either_blocked(actor, other):
        raise Forbidden("You cannot message this user.", code=BLOCKED)


@transaction.atomic
def direct_conversation_open(*, actor, other) -> tuple[Conversation, bool]:
    """The one direct conversation between two contacts (created on first use)."""
    if other.pk == actor.pk:
        raise InvalidInput("A direct chat needs another user.", code=CANNOT_CHAT_WITH_SELF)
    _assert_may_chat(actor, other)
    if not social.are_contacts(actor, other):
        raise Forbidden("Add this user as a contact first.", code=NOT_A_CONTACT)
    low, high = sorted((actor.pk, other.pk))
    conversation, created = _get_or_create_keyed(
        key=f"direct:{low}:{high}", kind=Kind.DIRECT, user_ids=(low, high)
    )
    if created:
        _publish_conversation(conversation, "conversation.created")
    return conversation, created


def _check_invitees(actor, users: list[User]) -> list[User]:
    invitees = {u.pk: u for u in users if u.pk != actor.pk}
    contact_ids = set(
        social.contacts_of(user=actor).filter(pk__in=invitees).values_list("pk", flat=True)
    )
    strangers = sorted(u.username for uid, u in invitees.items() if uid not in contact_ids)
    if strangers:
        raise Forbidden("You can only add your contacts.", code=NOT_A_CONTACT, usernames=strangers)
    return list(invitees.values())


def _assert_group_size(count: int) -> None:
    if count > settings.GROUP_MAX_MEMBERS:
        raise DomainError(
            f"A group has at most {settings.GROUP_MAX_MEMBERS} members.",
            code=GROUP_FULL,
            max_members=settings.GROUP_MAX_MEMBERS,
        )


@transaction.atomic
def group_create(*, actor, members: list[User], title: str = "") -> Conversation:
    """A group owned by ``actor`` with some of their contacts."""
    invitees = _check_invitees(actor, members)
    _assert_group_size(len(invitees) + 1)
    conversation = Conversation.objects.create(kind=Kind.GROUP, title=title)
    Member.objects.bulk_create(
        [Member(conversation=conversation, user=actor, role=Role.OWNER)]
        + [Member(conversation=conversation, user=u) for u in invitees]
    )
    _publish_conversation(conversation, "conversation.created")
    _post_notice(conversation, "{0} created the group", [actor])
    return conversation


def _publish_conversation(conversation: Conversation, type: str, user_ids=None) -> None:
    event_publish(
        user_ids=user_ids or selectors.conversation_member_ids(conversation.pk),
        type=type,
        payload={
            "conversation": {
                "id": conversation.pk,
                "kind": conversation.kind,
                "title": conversation.title,
                "announcement": conversation.announcement,
            }
        },
    )


def _group_managed_by(actor, conversation_id: int) -> tuple[Conversation, Member]:
    conversation, member = _locked_membership(conversation_id, actor)
    if conversation.kind != Kind.GROUP:
        raise DomainError("Only groups have members to manage.", code=NOT_A_GROUP)
    if member.role not in MANAGERS:
        raise Forbidden("Only the owner and admins may do this.", code=NOT_A_GROUP_ADMIN)
    return conversation, member


@transaction.atomic
def group_members_add(*, actor, conversation_id: int, users: list[User]) -> list[Member]:
    """Owners and admins add their contacts; newcomers see messages from now on."""
    conversation, _ = _group_managed_by(actor, conversation_id)
    present = set(
        Member.objects.filter(conversation=conversation).values_list("user_id", flat=True)
    )
    newcomers = [u for u in _check_invitees(actor, users) if u.pk not in present]
    if not newcomers:
        return []
    _assert_group_size(len(present) + len(newcomers))
    seq = conversation.last_seq
    added = Member.objects.bulk_create(
        [
            Member(
                conversation=conversation, user=u, joined_seq=seq, read_seq=seq, delivered_seq=seq
            )
            for u in newcomers
        ]
    )
    slots = ", ".join(f"{{{i}}}" for i in range(1, len(newcomers) + 1))
    # the widest audience first: its event-cursor locks cover the later, narrower publish, so
    # no cursor is locked out of user-id order (see realtime.services._next_cursors)
    _post_notice(conversation, "{0} added " + slots, [actor, *newcomers])
    _publish_conversation(conversation, "conversation.created", [u.pk for u in newcomers])
    return added


def _remove(conversation: Conversation, member: Member, template: str, people) -> None:
    """Delete the membership. The departing user receives the notice of their departure (and
    nothing after it); publishing to everyone first keeps cursor locks in user-id order."""
    member.delete()
    audience = sorted([*selectors.conversation_member_ids(conversation.pk), member.user_id])
    _post_notice(conversation, template, people, member_ids=audience)
    _publish_conversation(conversation, "conversation.removed", [member.user_id])


@transaction.atomic
def group_member_remove(*, actor, conversation_id: int, user: User) -> None:
    """The owner removes anyone; admins remove plain members. The removed member sees
    nothing new: their membership row, and with it every read path, is gone."""
    conversation, acting = _group_managed_by(actor, conversation_id)
    target = Member.objects.filter(conversation=conversation, user=user).first()
    if target is None:
        raise NotFound("Not a member of this group.", code=MEMBER_NOT_FOUND)
    if target.pk == acting.pk:
        raise InvalidInput("Leave the group instead.", code=USE_LEAVE)
    if acting.role != Role.OWNER and target.role != Role.MEMBER:
        raise Forbidden("Only the owner removes admins.", code=NOT_GROUP_OWNER)
    _remove(conversation, target, "{0} removed {1}", [actor, user])


def _group_leave(*, actor, conversation_id: int) -> None:
    """Leave a group. An owner who leaves hands the group to its longest-standing admin,
    or else its longest-standing member."""
    conversation, member = _locked_membership(conversation_id, actor)
    if conversation.kind != Kind.GROUP:
        raise DomainError("Only groups can be left.", code=NOT_A_GROUP)
    if member.role == Role.OWNER:
        heir = (
            Member.objects.filter(conversation=conversation)
            .exclude(pk=member.pk)
            .order_by(F("role").asc(), "id")  # "admin" sorts before "member"
            .first()
        )
        if heir is not None:
            heir.role = Role.OWNER
            heir.save(update_fields=["role"])
    _remove(conversation, member, "{0} left the group", [actor])


group_leave = transaction.atomic(_group_leave)  # the member's API
# an erasure leaves every group inside its one transaction (messaging/privacy.py)
group_leave_nested = transaction.atomic(savepoint=False)(_group_leave)


@transaction.atomic
def group_member_role_set(*, actor, conversation_id: int, user: User, role: str) -> Member:
    conversation, acting = _group_managed_by(actor, conversation_id)
    if acting.role != Role.OWNER:
        raise Forbidden("Only the owner appoints admins.", code=NOT_GROUP_OWNER)
    if role not in (Role.ADMIN, Role.MEMBER):
        raise InvalidInput(fields={"role": ["Must be admin or member."]})
    target = (
        Member.objects.filter(conversation=conversation, user=user).exclude(pk=acting.pk).first()
    )
    if target is None:
        raise NotFound("Not a member of this group.", code=MEMBER_NOT_FOUND)
    target.role = role
    target.save(update_fields=["role"])
    return target


@transaction.atomic
def group_update(
    *, actor, conversation_id: int, title: str | None = None, announcement: str | None = None
) -> Conversation:
    """Owners and admins rename the group and post its announcement (which also goes out
    as a message mentioning everyone)."""
    conversation, _ = _group_managed_by(actor, conversation_id)
    if title is not None and title != conversation.title:
        conversation.title = title
        conversation.save(update_fields=["title"])
        _publish_conversation(conversation, "conversation.updated")
        _post_notice(conversation, f'{{0}} renamed the group to "{_literal(title)}"', [actor])
    if announcement is not None and announcement != conversation.announcement:
        conversation.announcement = announcement
        conversation.save(update_fields=["announcement"])
        _publish_conversation(conversation, "conversation.updated")
        _append(
            conversation,
            sender=actor,
            type=Message.Type.SYSTEM,
            text=announcement,
            payload={"kind": "announcement"},
            mentions_all=True,
        )
    return conversation


# --- Messages ----------------------------------------------------------------------------------


def _append(
    conversation: Conversation,
    *,
    sender: User | None,
    type: str,
    text: str,
    payload: dict,
    client_msg_id: str | None = None,
    mentions: list[int] | None = None,
    mentions_all: bool = False,
    member_ids: list[int] | None = None,
    message_id: int | None = None,
) -> Message:
    """Append a message to a LOCKED conversation and publish it to every member
    (``member_ids`` when the caller already read them under the lock; ``message_id`` when it
    reserved the new message's id). Hand-written statements (``superapp.core.sql``): every
    message sent comes through here."""
    now = timezone.now()
    row = {
        "conversation_id": conversation.pk,
        "seq": conversation.last_seq + 1,
        "sender_id": sender.pk if sender else None,
        "type": type,
        "text": text,
        "payload": payload,
        "client_msg_id": client_msg_id,
        "mentions": mentions or [],
        "mentions_all": mentions_all,
        "recalled_at": None,
        "created_at": now,
    }
    if message_id is None:
        [message_id] = sql.insert(Message, [row])
        writes = []
    else:  # inserted with the event append, in one round trip
        writes = [sql.insert_statement(Message, [{"id": message_id, **row}])]
    message = sql.loaded(Message, message_id, row)
    message.sender = sender
    writes.append(
        (
            f"UPDATE {Conversation._meta.db_table}"
            " SET last_seq = %s, last_message_id = %s, last_activity_at = %s WHERE id = %s",
            [message.seq, message.pk, now, conversation.pk],
        )
    )
    conversation.last_seq, conversation.last_message, conversation.last_activity_at = (
        message.seq,
        message,
        now,
    )
    # Member rows are updated on their own, before the event append: a read receipt locks the
    # member row and then cursors, and so must everyone else (realtime.services.event_publish)
    if mentions_all or mentions:
        mentioned = Member.objects.filter(conversation=conversation)
        if not mentions_all:
            mentioned = mentioned.filter(user_id__in=mentions)
        mentioned.update(last_mention_seq=message.seq)
    if sender is not None:  # a sender has read up to their own message
        sql.execute(
            f"UPDATE {Member._meta.db_table} SET read_seq = %s, delivered_seq = %s"
            " WHERE conversation_id = %s AND user_id = %s",
            [message.seq, message.seq, conversation.pk, sender.pk],
        )
    event_publish(
        user_ids=member_ids or selectors.conversation_member_ids(conversation.pk),
        type="message.created",
        payload={"message": message.as_dict()},
        subject=_event_subject(message),
        writes=writes,
    )
    return message


def _event_subject(message: Message) -> str:
    return f"message:{message.pk}"


def message_copies_refresh(message: Message) -> None:
    """Make every member's stored ``message.created`` event read as the message now reads, so
    a sync from an old cursor never returns recalled or erased words."""
    event_copies_replace(subject=_event_subject(message), payload={"message": message.as_dict()})


def _post_notice(
    conversation: Conversation, template: str, people, member_ids=None, payload=None
) -> Message:
    """A platform notice naming ``people``: ``{0}``, ``{1}``… in ``template`` are their names
    (any other brace in it must be doubled: see ``_literal``). Who was named is recorded
    (``NoticeName``), so erasure can take a name out again (``notices_unname``)."""
    names = [user.display_name or user.username for user in people]
    payload = {**(payload or {}), "template": template}
    message = _append(
        conversation,
        sender=None,
        type=Message.Type.SYSTEM,
        text=template.format(*names),
        payload=payload,
        member_ids=member_ids,
    )
    NoticeName.objects.bulk_create(
        NoticeName(message=message, user=user, position=i, name=name)
        for i, (user, name) in enumerate(zip(people, names, strict=True))
    )
    return message


def _literal(text: str) -> str:
    """``text`` (a group title, say) as a literal part of a notice template."""
    return text.replace("{", "{{").replace("}", "}}")


def notices_unname(*, user, placeholder: str) -> int:
    """Re-render every notice that names ``user`` with ``placeholder`` in their place, and
    its stored event copies. Returns how many notices changed."""
    notices = Message.objects.filter(names__user=user).distinct().prefetch_related("names")
    changed = 0
    for notice in notices:
        names = sorted(notice.names.all(), key=lambda n: n.position)
        notice.text = notice.payload["template"].format(
            *(placeholder if n.user_id == user.pk else n.name for n in names)
        )
        notice.save(update_fields=["text"])
        message_copies_refresh(notice)
        changed += 1
    NoticeName.objects.filter(user=user).update(name=placeholder)
    return changed


def _resolve_mentions(
    conversation: Conversation, role: str, usernames: list[str]
) -> tuple[list[int], bool]:
    """User ids named by ``@username`` (who must be members) and whether ``@all`` was used
    (only by a group's owner and admins)."""
    names = {name.lower() for name in usernames}
    mentions_all = "all" in names
    if mentions_all and (conversation.kind != Kind.GROUP or role not in MANAGERS):
        raise Forbidden(
            "Only group owners and admins may mention everyone.", code=MENTION_ALL_FORBIDDEN
        )
    names.discard("all")
    if not names:
        return [], mentions_all
    found = dict(
        Member.objects.filter(conversation=conversation)
        .annotate(name=Lower("user__username"))
        .filter(name__in=names)
        .values_list("name", "user_id")
    )
    missing = sorted(names - found.keys())
    if missing:
        raise InvalidInput(fields={"mentions": [f"Not members: {', '.join(missing)}."]})
    return sorted(found.values()), mentions_all


@functools.cache
def _reserve_message_id() -> str:
    """A select-list item taking the next message id on PostgreSQL (the message is then
    inserted together with its events, see ``_append``); nothing on SQLite."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Message._meta.db_table])
        [sequence] = cursor.fetchone()
    return f", nextval('{sequence}')"


class _Sending(NamedTuple):
    conversation: Conversation
    roles: dict[int, str]  # member user id -> role
    sent_id: int | None  # the actor's message already sent with this client_msg_id
    message_id: int | None  # reserved for the new message (PostgreSQL)


def _conversation_to_send(conversation_id: int, actor, client_msg_id: str | None) -> _Sending:
    """Lock the conversation (reserving the new message's id), then read its members' roles
    and the id of the actor's message already sent with ``client_msg_id``, if any. Two
    statements, not one: in PostgreSQL's READ COMMITTED a statement that waited for the lock
    still reads other tables as they were when it started, and every membership change (and
    every send) holds this lock, so only a read after it sees the audience and the retries as
    they are now."""
    locked = sql.fetch_one(
        f"SELECT kind, last_seq{_reserve_message_id()}"
        f" FROM {Conversation._meta.db_table} WHERE id = %s" + sql.row_lock(),
        [conversation_id],
    )
    if locked is None:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    rows = sql.fetch_all(
        "SELECT user_id, role, (SELECT id FROM"
        f" {Message._meta.db_table} WHERE conversation_id = %s AND sender_id = %s"
        f" AND client_msg_id = %s) FROM {Member._meta.db_table} WHERE conversation_id = %s",
        [conversation_id, actor.pk, client_msg_id, conversation_id],
    )
    kind, last_seq, *reserved = locked
    return _Sending(
        conversation=sql.loaded(
            Conversation, conversation_id, {"kind": kind, "last_seq": last_seq}
        ),
        roles={user_id: role for user_id, role, _ in rows},
        sent_id=rows[0][2] if rows else None,
        message_id=reserved[0] if reserved else None,
    )


def _replay(existing: Message, *, type: str, text: str, payload: dict) -> Message:
    """A retry with the same ``client_msg_id`` gets the first message back; the same id with
    other content is a client bug, refused rather than silently dropped."""
    if (existing.type, existing.text, existing.payload) != (type, text, payload):
        raise Conflict(
            "This client_msg_id was already used for another message.",
            code=CLIENT_MSG_ID_REUSED,
        )
    return existing


@transaction.atomic
def message_send(
    *,
    actor,
    conversation_id: int,
    type: str,
    text: str = "",
    payload: dict | None = None,
    client_msg_id: str | None = None,
    mentions: list[str] | None = None,
) -> tuple[Message, bool]:
    """Send a message as ``actor``. Returns ``(message, created)``; a retry with the same
    ``client_msg_id`` returns the original (checked under the conversation lock, so two
    racing retries cannot both insert)."""
    if type not in USER_TYPES:
        raise InvalidInput(fields={"type": [f"Must be one of {', '.join(USER_TYPES)}."]})
    text, payload = validated_content(type=type, text=text, payload=payload)
    if "media" in payload:
        payload = _with_media_facts(actor, type, payload["media"])
    sending = _conversation_to_send(conversation_id, actor, client_msg_id)
    conversation, roles = sending.conversation, sending.roles
    if actor.pk not in roles:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    if sending.sent_id is not None:
        existing = Message.objects.select_related("sender").get(pk=sending.sent_id)
        return _replay(existing, type=type, text=text, payload=payload), False
    if conversation.kind == Kind.SERVICE:
        raise Forbidden("Service notifications are read-only.", code=READ_ONLY_CONVERSATION)
    if conversation.kind == Kind.DIRECT:
        _assert_may_chat(actor, next(uid for uid in roles if uid != actor.pk))
    # counted only for new messages: a client retrying a stored one is never refused
    ratelimit.hit(
        "message-send", str(actor.pk), limit=settings.MESSAGE_SEND_PER_MINUTE, window_seconds=60
    )
    mention_ids, mentions_all = _resolve_mentions(conversation, roles[actor.pk], mentions or [])
    message = _append(
        conversation,
        sender=actor,
        type=type,
        text=text,
        payload=payload,
        client_msg_id=client_msg_id or None,
        mentions=mention_ids,
        mentions_all=mentions_all,
        member_ids=sorted(roles),
        message_id=sending.message_id,
    )
    if "media" in payload:
        media_services.media_use_record(
            media_ids=[payload["media"]], context="conversation", context_id=conversation.pk
        )
    return message, True


def _with_media_facts(actor, type: str, media_id: int) -> dict:
    """The payload of a message showing ``actor``'s chat upload ``media_id``, which must be
    of the message's kind (an image message shows an image...)."""
    (media,) = media_selectors.media_to_attach(
        actor=actor, media_ids=[media_id], purpose="chat", kinds=[type]
    )
    return {"media": media.pk, **{fact: getattr(media, fact) for fact in MEDIA_FACTS}}


@transaction.atomic(savepoint=False)  # inside the caller's transaction (red packets, notices)
def message_post_system(
    *, conversation_id: int, type: str, payload: dict, text: str = "", sender=None, named=()
) -> Message:
    """A message posted by the platform (a red-packet card or claim notice, a system line).
    Other apps call this; they have already checked the actor may do what they report.
    With ``named`` (users), ``text`` is a system notice's template naming them, ``{0}``,
    ``{1}``…, so that erasure can take a name out again (see ``_post_notice``)."""
    text, payload = validated_content(type=type, text=text, payload=payload)
    conversation = _locked_conversation(conversation_id)
    if named:
        return _post_notice(conversation, text, named, payload=payload)
    return _append(conversation, sender=sender, type=type, text=text, payload=payload)


@transaction.atomic
def message_recall(*, actor, message_id: int) -> Message:
    """The sender takes a message back within the recall window. Everyone's copy becomes a
    system notice (see ``Message.as_dict``); the seq stays, so nobody's position moves."""
    message = selectors.message_for_member(message_id=message_id, user=actor)
    if message.sender_id != actor.pk:
        raise Forbidden("Only the sender may recall a message.", code=NOT_SENDER)
    _locked_conversation(message.conversation_id)
    message.refresh_from_db(fields=["recalled_at"])
    if message.recalled_at is not None:
        raise Conflict("Already recalled.", code=ALREADY_RECALLED)
    if timezone.now() - message.created_at > settings.MESSAGE_RECALL_WINDOW:
        raise DomainError("Messages can only be recalled for 2 minutes.", code=RECALL_WINDOW_PASSED)
    message.recalled_at = timezone.now()
    message.save(update_fields=["recalled_at"])
    message_copies_refresh(message)
    _mentions_withdraw(message)
    event_publish(
        user_ids=selectors.conversation_member_ids(message.conversation_id),
        type="message.recalled",
        payload={"message": message.as_dict()},
    )
    return message


def _mentions_withdraw(message: Message) -> None:
    """A recalled message stops flagging the members it mentioned: each gets back the latest
    earlier mention that still stands (or none). Runs under the conversation's lock."""
    flagged = list(
        Member.objects.filter(conversation_id=message.conversation_id, last_mention_seq=message.seq)
    )
    if not flagged:
        return
    standing = list(
        Message.objects.filter(
            conversation_id=message.conversation_id,
            seq__lt=message.seq,
            seq__gt=min(member.read_seq for member in flagged),
            recalled_at__isnull=True,
        )
        .exclude(mentions=[], mentions_all=False)
        .order_by("-seq")
        .values_list("seq", "mentions", "mentions_all")
    )
    for member in flagged:
        member.last_mention_seq = next(
            (seq for seq, ids, everyone in standing if everyone or member.user_id in ids), 0
        )
    Member.objects.bulk_update(flagged, ["last_mention_seq"])


def _advance(actor, conversation_id: int, field: str, seq: int, event_type: str) -> Member:
    """Move a member's read or delivered position forward (never back, never past the end),
    and tell their other devices, and in a direct chat the peer (read receipts)."""
    member = selectors.membership(conversation_id=conversation_id, user=actor)
    conversation = member.conversation
    target = max(min(seq, conversation.last_seq), member.joined_seq)
    updates = {field: Greatest(F(field), target)}
    if field == "read_seq":  # what is read was delivered
        updates["delivered_seq"] = Greatest(F("delivered_seq"), target)
    Member.objects.filter(pk=member.pk).update(**updates)
    member.refresh_from_db(fields=["read_seq", "delivered_seq"])
    audience = (
        selectors.conversation_member_ids(conversation.pk)
        if conversation.kind == Kind.DIRECT
        else [actor.pk]
    )
    event_publish(
        user_ids=audience,
        type=event_type,
        payload={
            "conversation_id": conversation.pk,
            "user_id": actor.pk,
            "seq": getattr(member, field),
        },
    )
    return member


@transaction.atomic
def conversation_read(*, actor, conversation_id: int, seq: int) -> Member:
    return _advance(actor, conversation_id, "read_seq", seq, "conversation.read")


@transaction.atomic
def conversation_delivered(*, actor, conversation_id: int, seq: int) -> Member:
    return _advance(actor, conversation_id, "delivered_seq", seq, "conversation.delivered")


# --- Service notifications ---------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def service_notification_send(*, user, source: str, title: str, body: str, data: dict) -> Message:
    """Deliver a platform notification (an order update, a mini-program subscribe message) to
    the user's read-only "service notifications" conversation, created on first use. Every
    paid order sends two, from the worker: the conversation is read and locked in one
    statement, and its one member is the user."""
    text, payload = validated_content(
        type=Message.Type.NOTIFICATION,
        text=title,
        payload={"source": source, "title": title, "body": body, "data": data},
    )
    return _append(
        _service_conversation_locked(user),
        sender=None,
        type=Message.Type.NOTIFICATION,
        text=text,
        payload=payload,
        member_ids=[user.pk],
    )


def _service_conversation_locked(user) -> Conversation:
    key = f"service:{user.pk}"
    conversation = locks.conversations().filter(unique_key=key).first()
    if conversation is None:  # the first notification (or a concurrent one created it)
        created, _ = _get_or_create_keyed(
            key=key, kind=Kind.SERVICE, user_ids=[user.pk], title="Service notifications"
        )
        conversation = _locked_conversation(created.pk)
    return conversation
