"""Reads of live shows: lists (no N+1), the room staff check, replay and statistics."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone

from miniprograms.live.errors import DEAL_NOT_FOUND, NOT_HOST_TEAM, NOT_ROOM_STAFF, SHOW_NOT_FOUND
from miniprograms.live.models import (
    SHOW_SEARCH,
    Comment,
    Deal,
    Moderator,
    Pin,
    Reminder,
    Restriction,
    Show,
    ShowProduct,
)
from miniprograms.shop import selectors as shop_selectors
from superapp.core.errors import Forbidden, NotFound
from superapp.core.fulltext import Search
from superapp.core.pagination import KeysetPage, keyset_page
from superapp.official import selectors as official_selectors


def _shows() -> QuerySet[Show]:
    return Show.objects.select_related("brand", "host").prefetch_related(
        Prefetch(
            "show_products",
            queryset=ShowProduct.objects.select_related("product").order_by("position"),
        ),
        Prefetch("moderators", queryset=Moderator.objects.select_related("user").order_by("id")),
    )


SECTIONS = {
    # what the live tab shows, each in its own order
    "live": ({"status": Show.Status.LIVE}, ("-started_at", "-id")),
    "upcoming": ({"status": Show.Status.SCHEDULED}, ("starts_at", "id")),
    "replays": (
        {"status": Show.Status.ENDED, "replay_status": Show.ReplayStatus.READY},
        ("-ended_at", "-id"),
    ),
}


def shows_list(
    *, brand_id: int | None = None, status: str | None = None, section: str | None = None
) -> QuerySet[Show]:
    """Shows anyone signed in may browse (shows are public announcements), newest first, or a
    section of the live tab: ``live`` now, ``upcoming`` (soonest first), ``replays``."""
    shows = _shows().order_by("-starts_at", "-id")
    if brand_id is not None:
        shows = shows.filter(brand_id=brand_id)
    if status:
        shows = shows.filter(status=status)
    if section:
        conditions, order = SECTIONS[section]
        shows = shows.filter(**conditions).order_by(*order)
    return shows


def show_get(*, show_id: int) -> Show:
    show = _shows().filter(pk=show_id).first()
    if show is None:
        raise NotFound("No such live show.", code=SHOW_NOT_FOUND)
    return show


def is_room_staff(*, show: Show, user) -> bool:
    """The host, the show's moderators and the brand's managers run the room."""
    if user is None or not user.is_authenticated:
        return False
    if show.host_id == user.pk or Moderator.objects.filter(show=show, user=user).exists():
        return True
    role = official_selectors.brand_role(brand=show.brand, user=user)
    return role in official_selectors.MANAGERS


def show_for_room_staff(*, show_id: int, user) -> Show:
    """The show if ``user`` runs its room; 404 if there is no such show, 403 otherwise (the
    show itself is public)."""
    show = show_get(show_id=show_id)
    if not is_room_staff(show=show, user=user):
        raise Forbidden("Only the host and moderators may do this.", code=NOT_ROOM_STAFF)
    return show


def show_for_host_team(*, show_id: int, user) -> Show:
    """The show if ``user`` is its host or a manager of its brand (who hold the stream key;
    moderators do not); 404 if there is no such show, 403 otherwise."""
    show = show_get(show_id=show_id)
    is_host = user is not None and user.is_authenticated and show.host_id == user.pk
    role = official_selectors.brand_role(brand=show.brand, user=user)
    if not is_host and role not in official_selectors.MANAGERS:
        raise Forbidden("Only the host and the brand's managers may do this.", code=NOT_HOST_TEAM)
    return show


def open_pin(*, show: Show) -> Pin | None:
    return Pin.objects.select_related("product").filter(show=show, unpinned_at__isnull=True).first()


def current_deal(*, show: Show, now=None) -> Deal | None:
    """The deal counting down or open right now, if any."""
    now = now or timezone.now()
    return Deal.objects.filter(show=show, closes_at__gt=now).order_by("-opens_at", "-id").first()


def deal_get(*, show_id: int, deal_id: int) -> Deal:
    deal = Deal.objects.select_related("show").filter(pk=deal_id, show_id=show_id).first()
    if deal is None:
        raise NotFound("No such deal.", code=DEAL_NOT_FOUND)
    return deal


def restrictions_list(*, show: Show) -> QuerySet[Restriction]:
    """The show's mutes and bans, latest first (the control room's "undo" list)."""
    return (
        Restriction.objects.filter(show=show).select_related("user").order_by("-created_at", "-id")
    )


def _room_comment(comment: Comment) -> dict:
    return {
        "id": comment.public_id,
        "user": {"id": comment.user_id, "name": comment.user.display_name or comment.user.username},
        "text": comment.text,
        "at": comment.created_at.isoformat(),
    }


def comment_payload(*, show: Show, comment_id: str) -> dict | None:
    """A stored comment as the room sends it, or None if it is not stored (yet)."""
    comment = Comment.objects.select_related("user").filter(show=show, public_id=comment_id).first()
    return None if comment is None else _room_comment(comment)


def latest_comments(*, show_id: int, limit: int) -> list[dict]:
    """The show's latest stored comments that were not removed, oldest first, as the room
    sends them."""
    rows = (
        Comment.objects.select_related("user")
        .filter(show_id=show_id, removed_at__isnull=True)
        .order_by("-created_at", "-id")[:limit]
    )
    return [_room_comment(comment) for comment in reversed(rows)]


def restricted(*, show: Show, user_id: int, kind: str) -> bool:
    return Restriction.objects.filter(show=show, user_id=user_id, kind=kind).exists()


@dataclass
class RoomEntry:
    """What a socket needs to enter a room: the show, the viewer's standing, the state."""

    show: Show
    is_staff: bool
    banned: bool
    muted_ids: set[int]
    banned_ids: set[int]
    pin: Pin | None
    deal: Deal | None
    latest_comments: list[dict]


def room_restrictions(*, show_id: int) -> tuple[set[int], set[int]]:
    """The ids of the show's muted viewers and of its banned ones."""
    rows = Restriction.objects.filter(show_id=show_id).values_list("user_id", "kind")
    muted = {uid for uid, kind in rows if kind == Restriction.Kind.MUTE}
    banned = {uid for uid, kind in rows if kind == Restriction.Kind.BAN}
    return muted, banned


def room_entry(*, show_id: int, user, opens_the_room: bool = False) -> RoomEntry:
    """``opens_the_room``: no room of the show runs in this process yet, so the entry also
    reads the latest stored comments, the new room's first welcome."""
    show = show_get(show_id=show_id)
    muted, banned = room_restrictions(show_id=show.pk)
    return RoomEntry(
        show=show,
        is_staff=is_room_staff(show=show, user=user),
        banned=user.pk in banned,
        muted_ids=muted,
        banned_ids=banned,
        pin=open_pin(show=show),
        deal=current_deal(show=show),
        latest_comments=(
            latest_comments(show_id=show.pk, limit=settings.LIVE_WELCOME_COMMENTS)
            if opens_the_room
            else []
        ),
    )


def replay(*, show: Show) -> dict:
    """The replay (Plaza's recording once converted, else the external stream URL) and when
    each product was pinned, as offsets in seconds from the start (the start of the push for
    a show streamed to Plaza: the replay's time zero)."""
    pins = Pin.objects.select_related("product").filter(show=show).order_by("pinned_at", "id")
    start = show.started_at

    def offset(moment):
        return None if moment is None or start is None else (moment - start).total_seconds()

    return {
        "show_id": show.pk,
        "stream_url": show.stream_url,
        "replay_status": show.replay_status,
        "replay_url": show.replay_url,
        "duration_seconds": show.replay_duration_seconds,
        "started_at": show.started_at,
        "ended_at": show.ended_at,
        "timeline": [
            {
                "product_id": pin.product_id,
                "title": pin.product.title,
                "pinned_at": pin.pinned_at,
                "unpinned_at": pin.unpinned_at,
                "offset_seconds": offset(pin.pinned_at),
                "end_offset_seconds": offset(pin.unpinned_at),
            }
            for pin in pins
        ],
    }


def stats(*, show: Show) -> dict:
    """Audience and sales of a show. Orders and GMV count paid orders placed in the show
    (refunded or cancelled ones do not count); conversion = orders / unique viewers."""
    sales = shop_selectors.live_show_sales(live_show_id=show.pk)
    unique = show.viewers.count()
    return {
        "show_id": show.pk,
        "status": show.status,
        "peak_viewers": show.peak_viewers,
        "unique_viewers": unique,
        "likes": show.like_count,
        "comments": Comment.objects.filter(show=show).count(),
        "removed_comments": Comment.objects.filter(show=show, removed_at__isnull=False).count(),
        "orders": sales["orders"],
        "buyers": sales["buyers"],
        "gmv": sales["gmv"],
        "conversion": round(sales["orders"] / unique, 4) if unique else 0.0,
    }


def _live_first() -> Case:
    return Case(When(status=Show.Status.LIVE, then=Value(0)), default=Value(1))


def shows_search(*, search: Search) -> QuerySet[Show]:
    """Shows (public announcements) whose title matches ``search``: best first, live ones
    before others, then the latest."""
    return (
        Show.objects.filter(search.condition(SHOW_SEARCH))
        .select_related("brand")
        .alias(rank=search.rank(SHOW_SEARCH), live_first=_live_first())
        .order_by("-rank", "live_first", "-starts_at")
    )


def shows_featured(*, limit: int) -> list[Show]:
    """What Discover shows: live shows, then the next scheduled ones."""
    return list(
        Show.objects.exclude(status=Show.Status.ENDED)
        .select_related("brand")
        .alias(live_first=_live_first())
        .order_by("live_first", "starts_at", "id")[:limit]
    )


def reminder_user_ids(*, show_id: int, after_user_id: int | None, limit: int) -> KeysetPage[int]:
    """One keyset page of the ids of the people who asked to be reminded of the show."""
    reminded = Reminder.objects.filter(show_id=show_id).values_list("user_id", flat=True)
    return keyset_page(reminded, after=after_user_id, size=limit, key="user_id")


def reminded_among(*, show_id: int, user_ids: list[int]) -> set[int]:
    return set(
        Reminder.objects.filter(show_id=show_id, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )


def reminded_show_ids(*, user) -> list[int]:
    """The scheduled shows ``user`` asked to be reminded of (the live tab marks them)."""
    return list(
        Reminder.objects.filter(user=user, show__status=Show.Status.SCHEDULED)
        .order_by("show_id")
        .values_list("show_id", flat=True)
    )
