"""Writes of the social graph and Moments. Each change the other party must learn of is
published to their event log inside the same transaction."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from superapp.core import ratelimit
from superapp.core.errors import USER_NOT_FOUND, Conflict, InvalidInput, NotFound
from superapp.media import selectors as media_selectors
from superapp.media import services as media_services
from superapp.realtime.services import event_publish
from superapp.social import locks, selectors
from superapp.social.errors import (
    ALREADY_BLOCKED,
    ALREADY_CONTACTS,
    AUDIENCE_NOT_CONTACTS,
    AUDIENCE_REQUIRED,
    AUDIENCE_UNEXPECTED,
    BLOCK_NOT_FOUND,
    CANNOT_ADD_SELF,
    CANNOT_BLOCK_SELF,
    CONTACT_NOT_FOUND,
    EMPTY_COMMENT,
    EMPTY_MOMENT,
    MOMENT_NOT_FOUND,
    REQUEST_ANSWERED,
    REQUEST_NOT_FOUND,
    REQUEST_PENDING,
    USER_BLOCKED,
)
from superapp.social.models import (
    Block,
    Contact,
    ContactRequest,
    Moment,
    MomentAudience,
    MomentComment,
    MomentLike,
)

Status = ContactRequest.Status


def _user_brief(user) -> dict:
    return {"id": user.pk, "username": user.username, "display_name": user.display_name}


def _request_brief(request: ContactRequest) -> dict:
    return {
        "id": request.pk,
        "from": _user_brief(request.from_user),
        "to": _user_brief(request.to_user),
        "message": request.message,
        "status": request.status,
        "created_at": request.created_at.isoformat(),
    }


@transaction.atomic
def contact_request_send(*, actor, to, message: str = "") -> ContactRequest:
    """Ask ``to`` to become a contact. If ``to`` already asked ``actor``, this accepts it."""
    if to.pk == actor.pk:
        raise InvalidInput("You cannot add yourself.", code=CANNOT_ADD_SELF)
    if selectors.is_blocked(blocker=to, blocked=actor):
        raise NotFound("No such user.", code=USER_NOT_FOUND)
    if selectors.is_blocked(blocker=actor, blocked=to):
        raise Conflict("Unblock this user first.", code=USER_BLOCKED)
    if selectors.are_contacts(actor, to):
        raise Conflict("Already a contact.", code=ALREADY_CONTACTS)
    reverse = (
        locks.contact_requests().filter(from_user=to, to_user=actor, status=Status.PENDING).first()
    )
    if reverse is not None:
        return _contact_request_accept(actor=actor, request_id=reverse.pk)
    ratelimit.hit(
        "contact_request",
        str(actor.pk),
        limit=settings.CONTACT_REQUESTS_PER_DAY,
        window_seconds=86400,
    )
    try:
        with transaction.atomic():
            request = ContactRequest.objects.create(from_user=actor, to_user=to, message=message)
    except IntegrityError as exc:
        raise Conflict("A request is already pending.", code=REQUEST_PENDING) from exc
    event_publish(
        user_ids=[to.pk],
        type="contact.request_received",
        payload={"request": _request_brief(request)},
    )
    return request


def _pending_request_to(actor, request_id: int) -> ContactRequest:
    request = (
        locks.contact_requests()
        .select_related("from_user", "to_user")
        .filter(pk=request_id, to_user=actor)
        .first()
    )
    if request is None:
        raise NotFound("No such request.", code=REQUEST_NOT_FOUND)
    if request.status != Status.PENDING:
        raise Conflict("This request was already answered.", code=REQUEST_ANSWERED)
    return request


def _answer(request: ContactRequest, status: str) -> None:
    request.status = status
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])


def _contact_request_accept(*, actor, request_id: int) -> ContactRequest:
    request = _pending_request_to(actor, request_id)
    _answer(request, Status.ACCEPTED)
    a, b = request.from_user, request.to_user
    Contact.objects.bulk_create(
        [Contact(owner=a, contact=b), Contact(owner=b, contact=a)], ignore_conflicts=True
    )
    event_publish(
        user_ids=[a.pk, b.pk], type="contact.added", payload={"request": _request_brief(request)}
    )
    return request


contact_request_accept = transaction.atomic(_contact_request_accept)  # the invitee's answer


@transaction.atomic
def contact_request_decline(*, actor, request_id: int) -> ContactRequest:
    """Declining is silent: the sender is not told."""
    request = _pending_request_to(actor, request_id)
    _answer(request, Status.DECLINED)
    return request


def _unfriend(a, b) -> int:
    deleted, _ = Contact.objects.filter(Q(owner=a, contact=b) | Q(owner=b, contact=a)).delete()
    return deleted


@transaction.atomic
def contact_remove(*, actor, contact) -> None:
    if not _unfriend(actor, contact):
        raise NotFound("Not a contact.", code=CONTACT_NOT_FOUND)
    event_publish(
        user_ids=[actor.pk], type="contact.removed", payload={"user": _user_brief(contact)}
    )


@transaction.atomic
def block_create(*, actor, user) -> Block:
    """Block ``user``: the friendship ends and pending requests between them are declined.
    A blocked user cannot message the blocker, see their Moments or ask again."""
    if user.pk == actor.pk:
        raise InvalidInput("You cannot block yourself.", code=CANNOT_BLOCK_SELF)
    block, created = Block.objects.get_or_create(blocker=actor, blocked=user)
    if not created:
        raise Conflict("Already blocked.", code=ALREADY_BLOCKED)
    _unfriend(actor, user)
    ContactRequest.objects.filter(
        Q(from_user=actor, to_user=user) | Q(from_user=user, to_user=actor),
        status=Status.PENDING,
    ).update(status=Status.DECLINED, answered_at=timezone.now())
    event_publish(user_ids=[actor.pk], type="contact.blocked", payload={"user": _user_brief(user)})
    return block


@transaction.atomic
def block_delete(*, actor, user) -> None:
    deleted, _ = Block.objects.filter(blocker=actor, blocked=user).delete()
    if not deleted:
        raise NotFound("This user is not blocked.", code=BLOCK_NOT_FOUND)


@transaction.atomic
def moment_create(
    *,
    actor,
    text: str = "",
    images: list | None = None,
    product: dict | None = None,
    visibility: str = Moment.Visibility.CONTACTS,
    audience: list | None = None,
) -> Moment:
    """Post a Moment. A ``selected`` audience must be a non-empty list of the author's contacts.
    ``images`` are the author's uploaded image ids (purpose ``moment``; whoever may see the
    Moment may see them) or URLs of images hosted elsewhere."""
    images = images or []
    if not text and not images:
        raise InvalidInput("A moment needs text or images.", code=EMPTY_MOMENT)
    audience = audience or []
    if visibility == Moment.Visibility.SELECTED:
        if not audience:
            raise InvalidInput("Choose who may see it.", code=AUDIENCE_REQUIRED)
        allowed = set(
            selectors.contacts_of(user=actor)
            .filter(pk__in=[u.pk for u in audience])
            .values_list("pk", flat=True)
        )
        if allowed != {u.pk for u in audience}:
            raise InvalidInput("The audience must be your contacts.", code=AUDIENCE_NOT_CONTACTS)
    elif audience:
        raise InvalidInput("An audience only goes with 'selected'.", code=AUDIENCE_UNEXPECTED)
    media_ids = [image for image in images if isinstance(image, int)]
    media_selectors.media_to_attach(
        actor=actor, media_ids=media_ids, purpose="moment", kinds=["image"]
    )
    moment = Moment.objects.create(
        author=actor,
        text=text,
        images=[{"media": i} if isinstance(i, int) else i for i in images],
        product=product,
        visibility=visibility,
    )
    MomentAudience.objects.bulk_create([MomentAudience(moment=moment, user=u) for u in audience])
    media_services.media_use_record(media_ids=media_ids, context="moment", context_id=moment.pk)
    return moment


@transaction.atomic
def moment_delete(*, actor, moment_id: int) -> None:
    deleted, _ = Moment.objects.filter(pk=moment_id, author=actor).delete()
    if not deleted:
        raise NotFound("No such moment.", code=MOMENT_NOT_FOUND)


def _notify_author(moment: Moment, actor, type: str, payload: dict) -> None:
    if moment.author_id != actor.pk:
        event_publish(
            user_ids=[moment.author_id],
            type=type,
            payload={"moment_id": moment.pk, "user": _user_brief(actor), **payload},
        )


@transaction.atomic
def moment_like(*, actor, moment_id: int) -> MomentLike:
    moment = selectors.moment_for_viewer(viewer=actor, moment_id=moment_id)
    like, created = MomentLike.objects.get_or_create(moment=moment, user=actor)
    if created:
        _notify_author(moment, actor, "moment.liked", {})
    return like


@transaction.atomic
def moment_unlike(*, actor, moment_id: int) -> None:
    moment = selectors.moment_for_viewer(viewer=actor, moment_id=moment_id)
    MomentLike.objects.filter(moment=moment, user=actor).delete()


@transaction.atomic
def moment_comment(*, actor, moment_id: int, text: str) -> MomentComment:
    moment = selectors.moment_for_viewer(viewer=actor, moment_id=moment_id)
    if not text.strip():
        raise InvalidInput("A comment needs text.", code=EMPTY_COMMENT)
    comment = MomentComment.objects.create(moment=moment, user=actor, text=text)
    _notify_author(moment, actor, "moment.commented", {"comment": {"id": comment.pk, "text": text}})
    return comment
