"""Reads of the social graph and Moments; other apps call ``are_contacts``/``either_blocked``."""

import io

import segno
from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from superapp.accounts import selectors as account_selectors
from superapp.accounts.models import User
from superapp.core.errors import USER_NOT_FOUND, NotFound
from superapp.core.fulltext import Search
from superapp.social.errors import INVALID_QR, MOMENT_NOT_FOUND
from superapp.social.models import (
    Block,
    Contact,
    ContactRequest,
    Moment,
    MomentAudience,
    MomentComment,
    MomentLike,
)

QR_SALT = "plaza.social.qr"
QR_URI_PREFIX = "plaza://contact?token="


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


def are_contacts(user_a, user_b) -> bool:
    return Contact.objects.filter(owner_id=_user_id(user_a), contact_id=_user_id(user_b)).exists()


def is_blocked(*, blocker, blocked) -> bool:
    return Block.objects.filter(blocker_id=_user_id(blocker), blocked_id=_user_id(blocked)).exists()


def either_blocked(user_a, user_b) -> bool:
    a, b = _user_id(user_a), _user_id(user_b)
    return Block.objects.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).exists()


def contact_ids(user) -> QuerySet:
    """A subquery of the ids of ``user``'s contacts."""
    return Contact.objects.filter(owner_id=_user_id(user)).values("contact_id")


def contacts_of(*, user) -> QuerySet[User]:
    return User.objects.filter(pk__in=contact_ids(user), is_active=True).order_by("username")


def incoming_requests(*, user) -> QuerySet[ContactRequest]:
    return (
        ContactRequest.objects.filter(to_user=user, status=ContactRequest.Status.PENDING)
        .select_related("from_user", "to_user")
        .order_by("-id")
    )


def qr_token_for(*, user) -> str:
    """A signed, tamper-proof token naming ``user``; the personal QR code encodes it."""
    return signing.dumps({"u": user.pk}, salt=QR_SALT)


def qr_payload_for(*, user) -> str:
    """The text of the user's personal QR code."""
    return QR_URI_PREFIX + qr_token_for(user=user)


def qr_png_for(*, user) -> bytes:
    buffer = io.BytesIO()
    segno.make(qr_payload_for(user=user), error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def user_for_qr_token(*, viewer, token: str) -> User:
    """The user a scanned QR code names (the whole payload or just its token)."""
    token = token.removeprefix(QR_URI_PREFIX)
    try:
        data = signing.loads(token, salt=QR_SALT, max_age=settings.CONTACT_QR_MAX_AGE)
    except signing.BadSignature as exc:  # SignatureExpired is a subclass
        raise NotFound("This QR code is invalid or expired.", code=INVALID_QR) from exc
    return visible_user(viewer=viewer, user=User.objects.filter(pk=data.get("u")).first())


def visible_user(*, viewer, user: User | None) -> User:
    """``user`` unless missing, inactive or blocking ``viewer`` (then 404, revealing nothing)."""
    if user is None or not user.is_active or is_blocked(blocker=user, blocked=viewer):
        raise NotFound("No such user.", code=USER_NOT_FOUND)
    return user


def user_findable_by_username(*, viewer, user: User) -> User:
    """``user`` as :func:`visible_user`, and only if they let people find them by username or
    are already ``viewer``'s contact (others still find them by their QR code)."""
    user = visible_user(viewer=viewer, user=user)
    if not user.findable_by_username and not are_contacts(viewer, user):
        raise NotFound("No such user.", code=USER_NOT_FOUND)
    return user


def _visible_to(viewer) -> Q:
    """Moments ``viewer`` may see: their own, and their contacts' that are shared with all
    contacts or with a selected audience including them. Blocking removes both directions of
    a friendship, so a blocked user is never a contact."""
    in_audience = Exists(MomentAudience.objects.filter(moment=OuterRef("pk"), user=viewer))
    from_contact = Q(author_id__in=contact_ids(viewer))
    return Q(author=viewer) | (
        from_contact
        & (Q(visibility=Moment.Visibility.CONTACTS) | (Q(visibility="selected") & in_audience))
    )


def _with_interactions(queryset: QuerySet[Moment], viewer) -> QuerySet[Moment]:
    """Attach the likes and comments that ``viewer`` may see (the WeChat rule: only those by
    the viewer's own contacts, and the viewer's own), in a fixed number of queries."""
    seen = Q(user=viewer) | Q(user_id__in=contact_ids(viewer))
    return queryset.select_related("author").prefetch_related(
        Prefetch(
            "likes",
            queryset=MomentLike.objects.filter(seen).select_related("user").order_by("id"),
            to_attr="visible_likes",
        ),
        Prefetch(
            "comments",
            queryset=MomentComment.objects.filter(seen).select_related("user").order_by("id"),
            to_attr="visible_comments",
        ),
    )


def visible_moments(*, viewer) -> QuerySet[Moment]:
    return Moment.objects.filter(_visible_to(viewer))


def sees_any_moment(*, viewer, ids) -> bool:
    """Media's rule for uploads shown in Moments: they follow the Moment's visibility."""
    return visible_moments(viewer=viewer).filter(pk__in=ids).exists()


def moments_feed(*, viewer) -> QuerySet[Moment]:
    """Newest first (the view's cursor pagination orders by ``-id``)."""
    return _with_interactions(visible_moments(viewer=viewer), viewer)


def moments_by(*, viewer, author: User) -> QuerySet[Moment]:
    """An author's album as ``viewer`` sees it."""
    return moments_feed(viewer=viewer).filter(author=author)


def moment_for_viewer(*, viewer, moment_id: int, with_interactions: bool = False) -> Moment:
    moments = moments_feed(viewer=viewer) if with_interactions else visible_moments(viewer=viewer)
    moment = moments.filter(pk=moment_id).first()
    if moment is None:
        raise NotFound("No such moment.", code=MOMENT_NOT_FOUND)
    return moment


def blocked_either_way(user, other) -> Exists:
    """Whether ``user`` blocked ``other`` or ``other`` blocked ``user``, as a condition on the
    row ``other`` refers to (``OuterRef("pk")``, ``OuterRef("sender_id")``…)."""
    user_id = _user_id(user)
    return Exists(
        Block.objects.filter(
            Q(blocker_id=user_id, blocked_id=other) | Q(blocker_id=other, blocked_id=user_id)
        )
    )


def contacts_search(*, user, search: Search) -> QuerySet[User]:
    """``user``'s contacts matching ``search`` (findable by username or not), except blocked
    ones, best first."""
    return (
        account_selectors.users_search(search=search, findable_only=False)
        .filter(pk__in=contact_ids(user))
        .exclude(blocked_either_way(user, OuterRef("pk")))
    )


def people_search(*, viewer, search: Search) -> QuerySet[User]:
    """Users findable by username matching ``search``, except ``viewer`` and anyone blocked
    either way, best first."""
    return (
        account_selectors.users_search(search=search)
        .exclude(pk=viewer.pk)
        .exclude(blocked_either_way(viewer, OuterRef("pk")))
    )
