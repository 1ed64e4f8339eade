"""The client book: following, service chats, associates, tags, notes and follow-up tasks."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loyalty import errors, locks, selectors
from loyalty.models import (
    AssociateHandover,
    Client,
    ClientNote,
    ClientTag,
    FollowUpTask,
    Member,
    ServiceChat,
    Tag,
)
from superapp.core import sql
from superapp.core.errors import InvalidInput
from superapp.official import selectors as official_selectors
from superapp.realtime.services import event_publish

# --- Client book ------------------------------------------------------------------------------


CLIENT_COLUMNS = sql.field_names(Client)
CLIENT_TOUCH = (  # stamps are set once (followed, opted in) or only move forward (purchase)
    "INSERT INTO loyalty_client (brand_id, user_id, member_id, followed_at, opted_in_at,"
    " last_purchase_at, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (brand_id, user_id) DO UPDATE SET"
    " member_id = COALESCE(excluded.member_id, loyalty_client.member_id),"
    " followed_at = COALESCE(loyalty_client.followed_at, excluded.followed_at),"
    " opted_in_at = COALESCE(loyalty_client.opted_in_at, excluded.opted_in_at),"
    " last_purchase_at = CASE WHEN loyalty_client.last_purchase_at IS NULL"
    " OR excluded.last_purchase_at > loyalty_client.last_purchase_at"
    " THEN excluded.last_purchase_at ELSE loyalty_client.last_purchase_at END"
    f" RETURNING {', '.join(CLIENT_COLUMNS)}"
)


def _client_touch(
    *,
    brand_id: int,
    user_id: int,
    followed: bool = False,
    opted_in: bool = False,
    purchased_at=None,
    member: Member | None = None,
) -> Client:
    """The client record of (brand, user), created on first contact, with its stamps kept and
    linked to ``member`` if given: one upsert, which leaves the row locked."""
    values = sql.fetch_one(
        *_client_touch_statement(
            brand_id=brand_id,
            user_id=user_id,
            followed=followed,
            opted_in=opted_in,
            purchased_at=purchased_at,
            member=member,
        )
    )
    return sql.instance(Client, CLIENT_COLUMNS, values)


def _client_touch_statement(
    *, brand_id: int, user_id: int, followed=False, opted_in=False, purchased_at=None, member=None
) -> tuple[str, list]:
    """:func:`_client_touch`'s upsert and its parameters, for a caller that runs it together
    with other writes (an earning: sql.execute_together)."""
    now = timezone.now()
    row = {
        "brand_id": brand_id,
        "user_id": user_id,
        "member_id": member.pk if member else None,
        "followed_at": now if followed else None,
        "opted_in_at": now if opted_in else None,
        "last_purchase_at": purchased_at,
        "created_at": now,
    }
    return CLIENT_TOUCH, sql.row_params(Client, row)


@transaction.atomic(savepoint=False)
def client_follow(*, brand_id: int, user_id: int) -> Client:
    return _client_touch(brand_id=brand_id, user_id=user_id, followed=True)


@transaction.atomic(savepoint=False)
def service_chat_record(
    *, brand_id: int, account_id: int, user_id: int, message_id: int
) -> ServiceChat:
    """Log a service chat; a client's first chat assigns them the least-busy associate."""
    client = _client_touch(brand_id=brand_id, user_id=user_id)
    chat, created = ServiceChat.objects.get_or_create(
        client=client, message_id=message_id, defaults={"account_id": account_id}
    )
    if created and client.associate_id is None:
        associate_id = selectors.least_busy_associate(brand_id=brand_id)
        if associate_id is not None:
            _associate_assign(client, associate_id, actor=None, reason="first service chat")
    return chat


def _associate_assign(client: Client, associate_id: int, *, actor, reason: str) -> None:
    handover = AssociateHandover.objects.create(
        client=client,
        from_associate_id=client.associate_id,
        to_associate_id=associate_id,
        actor=actor,
        reason=reason,
    )
    client.associate_id = associate_id
    client.save(update_fields=["associate"])
    event_publish(
        user_ids=[client.user_id],
        type="loyalty.associate_assigned",
        payload={
            "brand_id": client.brand_id,
            "handover_id": handover.pk,
            "associate": selectors.public_user(associate_id),
        },
    )


@transaction.atomic
def client_reassign(*, actor, brand_id: int, client_id: int, associate, reason: str) -> Client:
    """Managers, or the client's current associate, hand a client over to another associate.
    The hand-over is audited and shown to the client."""
    client = selectors.client_for_staff(brand_id=brand_id, client_id=client_id, user=actor)
    client = locks.clients().get(pk=client.pk)
    role = official_selectors.brand_role(brand=client.brand, user=actor)
    if role not in official_selectors.MANAGERS and client.associate_id != actor.pk:
        raise errors.NotYourClient()
    if associate.pk not in official_selectors.brand_user_ids(brand_id=brand_id):
        raise InvalidInput(fields={"associate": ["Not a member of this brand."]})
    if associate.pk == client.associate_id:
        raise errors.AlreadyAssigned()
    _associate_assign(client, associate.pk, actor=actor, reason=reason)
    return client


@transaction.atomic
def client_tag_add(*, actor, brand_id: int, client_id: int, name: str, personal: bool) -> Tag:
    client = selectors.client_for_staff(brand_id=brand_id, client_id=client_id, user=actor)
    owner = actor if personal else None
    tag, _ = Tag.objects.get_or_create(brand_id=brand_id, owner=owner, name=name.strip())
    if ClientTag.objects.filter(client=client, tag=tag).exists():
        return tag
    if client.client_tags.count() >= settings.LOYALTY_MAX_TAGS_PER_CLIENT:
        raise errors.TooManyTags(limit=settings.LOYALTY_MAX_TAGS_PER_CLIENT)
    ClientTag.objects.create(client=client, tag=tag)
    return tag


@transaction.atomic
def client_tag_remove(*, actor, brand_id: int, client_id: int, tag_id: int) -> None:
    client = selectors.client_for_staff(brand_id=brand_id, client_id=client_id, user=actor)
    deleted, _ = ClientTag.objects.filter(
        selectors.visible_tags_q(user=actor, prefix="tag__"), client=client, tag_id=tag_id
    ).delete()
    if not deleted:
        raise errors.TagNotFound()


@transaction.atomic
def client_note_add(*, actor, brand_id: int, client_id: int, body: str) -> ClientNote:
    client = selectors.client_for_staff(brand_id=brand_id, client_id=client_id, user=actor)
    return ClientNote.objects.create(client=client, author=actor, body=body)


@transaction.atomic
def follow_up_create(
    *, actor, brand_id: int, client_id: int, title: str, due_at, assignee=None
) -> FollowUpTask:
    client = selectors.client_for_staff(brand_id=brand_id, client_id=client_id, user=actor)
    assignee = assignee or actor
    if assignee.pk not in official_selectors.brand_user_ids(brand_id=brand_id):
        raise InvalidInput(fields={"assignee": ["Not a member of this brand."]})
    return FollowUpTask.objects.create(client=client, assignee=assignee, title=title, due_at=due_at)


@transaction.atomic
def follow_up_complete(*, actor, brand_id: int, task_id: int) -> FollowUpTask:
    official_selectors.brand_for_member(brand_id=brand_id, user=actor)
    task = (
        locks.follow_up_tasks()
        .filter(pk=task_id, client__brand_id=brand_id, assignee=actor)
        .first()
    )
    if task is None:
        raise errors.TaskNotFound()
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    return task
