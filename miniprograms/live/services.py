"""Every write of live shopping: scheduling, the show's lifecycle, pins, flash deals and
purchases in the stream, moderation, and the room's batched flushes.

Room pushes (pins, deals, bans, ...) are published to the room's bus after commit
(``bus.publish_after_commit``); the hub of every process hands them to its viewers at the next
tick. A push is a hint: the database is the truth, and a joining viewer reads it."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from miniprograms.live import bus, locks, media, selectors
from miniprograms.live.errors import (
    BANNED,
    CANNOT_RESTRICT_STAFF,
    DEAL_CLOSED,
    DEAL_IN_PROGRESS,
    DEAL_LIMIT_REACHED,
    DEAL_NOT_OPEN,
    DEAL_PRICE_ABOVE_LIST,
    DEAL_SOLD_OUT,
    INSUFFICIENT_STOCK,
    INVALID_SHOW_STATUS,
    NO_PINNED_PRODUCT,
    PER_BUYER_LIMIT_ABOVE_QUANTITY,
    PRODUCT_NOT_IN_SHOW,
    RECORDING_NOT_FOUND,
    SHOW_NOT_FOUND,
    SHOW_NOT_LIVE,
    STREAM_KEY_INVALID,
)
from miniprograms.live.models import (
    Comment,
    Deal,
    DealClaim,
    DealOrder,
    Moderator,
    Pin,
    Reminder,
    Restriction,
    Show,
    ShowProduct,
    Viewer,
)
from miniprograms.shop import selectors as shop_selectors
from miniprograms.shop import services as shop_services
from superapp.core import sql
from superapp.core.errors import (
    PRICE_UNAVAILABLE,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from superapp.media import selectors as media_selectors
from superapp.official import selectors as official_selectors
from superapp.realtime import services as realtime

Status = Show.Status
TRANSITIONS = {Status.SCHEDULED: {Status.LIVE}, Status.LIVE: {Status.ENDED}, Status.ENDED: set()}


class InvalidShowTransition(DomainError):
    code = INVALID_SHOW_STATUS
    default_detail = "The show cannot make this change in its current status."


def _users_named(usernames: list[str], field: str) -> list:
    users = {u.username.lower(): u for u in get_user_model().objects.filter(username__in=usernames)}
    missing = [name for name in usernames if name.lower() not in users]
    if missing:
        raise InvalidInput(fields={field: [f"No such user: {', '.join(missing)}."]})
    return [users[name.lower()] for name in usernames]


def product_card(product) -> dict:
    images = product.images or []
    return {"id": product.pk, "title": product.title, "image": images[0] if images else ""}


def deal_payload(deal: Deal) -> dict:
    return {
        "id": deal.pk,
        "product_id": deal.product_id,
        "sku_id": deal.sku_id,
        "price": {"amount": deal.price, "currency": deal.currency},
        "quantity": deal.quantity,
        "remaining": deal.remaining,
        "per_buyer_limit": deal.per_buyer_limit,
        "keyword": deal.keyword,
        "opens_at": deal.opens_at.isoformat(),
        "closes_at": deal.closes_at.isoformat(),
    }


# --- Scheduling and lifecycle --------------------------------------------------------------------


@transaction.atomic
def show_create(
    *,
    actor,
    brand_id: int,
    title: str,
    starts_at,
    host: str,
    product_ids: list[int],
    moderators: list[str] = (),
    cover_url: str = "",
    stream_url: str = "",
    cover_media: int | None = None,
) -> Show:
    """A brand manager schedules a show hosted by ``host`` (a member of the brand or an
    invited influencer) presenting published products of the brand's shop. ``stream_url`` is
    an external stream; without one the host pushes to Plaza's media server with the show's
    stream key. ``cover_media``: the manager's upload (purpose ``live``) as the cover."""
    if cover_media:
        (cover_url,) = media_selectors.public_image_urls(
            actor=actor, references=[cover_media], purpose="live"
        )
    brand = official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    if len(product_ids) > settings.LIVE_MAX_PRODUCTS:
        raise InvalidInput(fields={"product_ids": [f"At most {settings.LIVE_MAX_PRODUCTS}."]})
    if len(moderators) > settings.LIVE_MAX_MODERATORS:
        raise InvalidInput(fields={"moderators": [f"At most {settings.LIVE_MAX_MODERATORS}."]})
    if starts_at <= timezone.now():
        raise InvalidInput(fields={"starts_at": ["Must be in the future."]})
    shop = shop_selectors.shop_for_brand(brand_id=brand.pk)
    ids = list(dict.fromkeys(product_ids))
    found = set(
        shop_selectors.products_search(shop=shop).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if missing := [pk for pk in ids if pk not in found]:
        raise InvalidInput(
            fields={"product_ids": [f"Not published products of this shop: {missing}."]}
        )
    (host_user,) = _users_named([host], "host")
    show = Show.objects.create(
        brand=brand,
        title=title,
        cover_url=cover_url,
        stream_url=stream_url,
        starts_at=starts_at,
        host=host_user,
        created_by=actor,
    )
    ShowProduct.objects.bulk_create(
        ShowProduct(show=show, product_id=pk, position=i) for i, pk in enumerate(ids)
    )
    Moderator.objects.bulk_create(
        Moderator(show=show, user=u)
        for u in _users_named(list(dict.fromkeys(moderators)), "moderators")
    )
    return show


def _locked_show(show_id: int) -> Show:
    return locks.shows().get(pk=show_id)


def _move(show: Show, to: str) -> None:
    if to not in TRANSITIONS[show.status]:
        raise InvalidShowTransition(status=show.status, to=to)
    show.status = to


def _go_live(show: Show) -> None:
    """scheduled -> live: viewers in the waiting room are told, and the brand's followers are
    reminded by a Celery task after commit, whatever their number."""
    from miniprograms.live.tasks import remind_followers

    _move(show, Status.LIVE)
    show.started_at = timezone.now()
    show.save(update_fields=["status", "started_at"])
    event = {"type": "show_live", "playback_url": media.playback_url(show)}
    bus.publish_after_commit(show.pk, {"k": "event", "e": event})
    transaction.on_commit(lambda: remind_followers.delay(show.pk), robust=True)


def _close(show: Show) -> None:
    """live -> ended: the open pin closes, running deals close now, viewers are told."""
    _move(show, Status.ENDED)
    now = timezone.now()
    show.ended_at = now
    show.save(update_fields=["status", "ended_at"])
    Pin.objects.filter(show=show, unpinned_at__isnull=True).update(unpinned_at=now)
    Deal.objects.filter(show=show, closes_at__gt=now, opens_at__lt=now).update(closes_at=now)
    Deal.objects.filter(show=show, opens_at__gte=now).delete()
    bus.publish_after_commit(show.pk, {"k": "end"})


@transaction.atomic
def show_start(*, actor, show_id: int) -> Show:
    """The host (or a moderator or brand manager) goes live by hand (a show on an external
    stream; a show pushed to Plaza's media server goes live when the push starts)."""
    selectors.show_for_room_staff(show_id=show_id, user=actor)
    show = _locked_show(show_id)
    _go_live(show)
    return show


@transaction.atomic
def show_end(*, actor, show_id: int) -> Show:
    """End the show by hand."""
    selectors.show_for_room_staff(show_id=show_id, user=actor)
    show = _locked_show(show_id)
    _close(show)
    return show


# --- Video: the stream key and the media server's callbacks (docs/live.md, "Video") -----------


@transaction.atomic
def stream_key_rotate(*, actor, show_id: int) -> tuple[Show, str]:
    """Give the show a new stream key (the host or a brand manager): the previous key stops
    working at once. The key is returned this once; Plaza keeps only its digest."""
    selectors.show_for_host_team(show_id=show_id, user=actor)
    show = _locked_show(show_id)
    if show.status == Status.ENDED:
        raise InvalidShowTransition("An ended show cannot be streamed again.")
    secret = media.key_secret_new()
    show.stream_key_hash = media.key_hash(secret)
    show.stream_key_rotated_at = timezone.now()
    show.save(update_fields=["stream_key_hash", "stream_key_rotated_at"])
    return show, media.stream_key(show.pk, secret)


def _streamed_show(name: str) -> Show:
    show_id = media.show_id_of(name)
    show = None if show_id is None else locks.shows().filter(pk=show_id).first()
    if show is None:
        raise NotFound("No show streams under this name.", code=SHOW_NOT_FOUND)
    return show


@transaction.atomic
def stream_publish_start(*, name: str, key: str) -> Show:
    """The media server asks whether a push may start: only with the show's current key, and
    only for a scheduled show, which goes live. Any refusal makes nginx drop the publisher."""
    show = _streamed_show(name)
    if not media.key_matches(key, show.stream_key_hash):
        raise Forbidden("Wrong stream key.", code=STREAM_KEY_INVALID)
    _go_live(show)
    return show


@transaction.atomic
def stream_publish_stop(*, name: str) -> Show:
    """The push stopped: a live show ends (a show already ended by hand stays as it is)."""
    show = _streamed_show(name)
    if show.status == Status.LIVE:
        _close(show)
    return show


@transaction.atomic
def stream_recorded(*, name: str, path: str) -> Show:
    """nginx closed the show's recording: convert it into the replay in a Celery task."""
    from miniprograms.live.tasks import make_replay

    show = _streamed_show(name)
    recording = media.recording_of(show.pk, path)
    if recording is None:
        raise InvalidInput(
            fields={"path": ["Not a recording of this show."]}, code=RECORDING_NOT_FOUND
        )
    show.replay_status = Show.ReplayStatus.PROCESSING
    show.save(update_fields=["replay_status"])
    transaction.on_commit(lambda: make_replay.delay(show.pk, str(recording)), robust=True)
    return show


@transaction.atomic
def replay_store(*, show_id: int, url: str, duration_seconds: float) -> None:
    Show.objects.filter(pk=show_id).update(
        replay_status=Show.ReplayStatus.READY,
        replay_url=url,
        replay_duration_seconds=duration_seconds,
    )


@transaction.atomic
def replay_fail(*, show_id: int) -> None:
    Show.objects.filter(pk=show_id).update(replay_status=Show.ReplayStatus.FAILED)


def _live_show_for_staff(actor, show_id: int) -> Show:
    selectors.show_for_room_staff(show_id=show_id, user=actor)
    show = _locked_show(show_id)
    if show.status != Status.LIVE:
        raise DomainError("The show is not live.", code=SHOW_NOT_LIVE)
    return show


# --- Pins ----------------------------------------------------------------------------------------


@transaction.atomic
def pin_set(*, actor, show_id: int, product_id: int) -> Pin:
    """Pin one of the show's products (the previous pin closes): every viewer sees it, and
    the replay timeline records it."""
    show = _live_show_for_staff(actor, show_id)
    link = ShowProduct.objects.select_related("product").filter(show=show, product_id=product_id)
    link = link.first()
    if link is None:
        raise NotFound("This product is not in the show.", code=PRODUCT_NOT_IN_SHOW)
    now = timezone.now()
    Pin.objects.filter(show=show, unpinned_at__isnull=True).update(unpinned_at=now)
    pin = Pin.objects.create(show=show, product=link.product, pinned_by=actor, pinned_at=now)
    bus.publish_after_commit(
        show.pk,
        {"k": "event", "e": {"type": "pinned", "product": product_card(link.product)}},
    )
    return pin


# --- Flash deals ---------------------------------------------------------------------------------


def _check_range(value: int, bounds: tuple[int, int], field: str, code: str, unit: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInput(fields={field: [f"Between {low} and {high} {unit}."]}, code=code)


@transaction.atomic
def deal_start(
    *,
    actor,
    show_id: int,
    sku_id: int,
    price: int,
    quantity: int,
    per_buyer_limit: int,
    countdown_seconds: int,
    window_minutes: int,
    keyword: str = "BUY",
) -> Deal:
    """Start a flash deal on the pinned product: it opens after the countdown and closes
    after the window. One deal at a time per show; the deal price is at most the list price
    and the quantity at most the SKU's stock."""
    show = _live_show_for_staff(actor, show_id)
    _check_range(
        countdown_seconds,
        settings.LIVE_DEAL_COUNTDOWN_SECONDS,
        "countdown_seconds",
        "countdown_out_of_range",
        "seconds",
    )
    _check_range(
        window_minutes,
        settings.LIVE_DEAL_WINDOW_MINUTES,
        "window_minutes",
        "window_out_of_range",
        "minutes",
    )
    if per_buyer_limit > quantity:
        raise InvalidInput(
            fields={"per_buyer_limit": ["At most the deal's quantity."]},
            code=PER_BUYER_LIMIT_ABOVE_QUANTITY,
        )
    pin = selectors.open_pin(show=show)
    if pin is None:
        raise DomainError("Pin the product before starting a deal.", code=NO_PINNED_PRODUCT)
    if selectors.current_deal(show=show) is not None:
        raise Conflict("A deal is already running in this show.", code=DEAL_IN_PROGRESS)
    shop = shop_selectors.shop_for_brand(brand_id=show.brand_id)
    sku = shop_selectors.sku_for_sale(shop=shop, sku_id=sku_id)
    if sku.product_id != pin.product_id:
        raise InvalidInput(fields={"sku_id": ["Not a SKU of the pinned product."]})
    list_price = next((p.amount for p in sku.prices.all() if p.currency == shop.currency), None)
    if list_price is None:
        raise DomainError(f"No price in {shop.currency}.", code=PRICE_UNAVAILABLE)
    if price > list_price:
        raise InvalidInput(
            fields={"price": [f"At most the list price ({list_price})."]},
            code=DEAL_PRICE_ABOVE_LIST,
        )
    if quantity > sku.stock:
        raise DomainError("Not enough stock for this deal.", code=INSUFFICIENT_STOCK)
    opens_at = timezone.now() + timedelta(seconds=countdown_seconds)
    deal = Deal.objects.create(
        show=show,
        product_id=sku.product_id,
        sku=sku,
        price=price,
        currency=shop.currency,
        quantity=quantity,
        remaining=quantity,
        per_buyer_limit=per_buyer_limit,
        keyword=keyword.upper(),
        opens_at=opens_at,
        closes_at=opens_at + timedelta(minutes=window_minutes),
        created_by=actor,
    )
    bus.publish_after_commit(
        show.pk, {"k": "event", "e": {"type": "deal_started", "deal": deal_payload(deal)}}
    )
    return deal


def _deal_open(deal: Deal) -> None:
    now = timezone.now()
    if now < deal.opens_at:
        raise DomainError(
            "The deal has not opened yet.",
            code=DEAL_NOT_OPEN,
            opens_in_seconds=round((deal.opens_at - now).total_seconds(), 3),
        )
    if now >= deal.closes_at:
        raise DomainError("The deal is over.", code=DEAL_CLOSED)


def _take_units(deal: Deal, buyer, quantity: int) -> None:
    """Per-buyer limit first (the buyer's claim row serialises their own taps), then the
    deal's stock, both by conditional UPDATE: concurrent buyers can never oversell."""
    DealClaim.objects.bulk_create([DealClaim(deal=deal, buyer=buyer)], ignore_conflicts=True)
    within_limit = DealClaim.objects.filter(
        deal=deal, buyer=buyer, quantity__lte=deal.per_buyer_limit - quantity
    ).update(quantity=F("quantity") + quantity)
    if not within_limit:
        raise DomainError(
            f"At most {deal.per_buyer_limit} per buyer in this deal.",
            code=DEAL_LIMIT_REACHED,
            per_buyer_limit=deal.per_buyer_limit,
        )
    taken = Deal.objects.filter(pk=deal.pk, remaining__gte=quantity).update(
        remaining=F("remaining") - quantity
    )
    if not taken:
        raise Conflict("The deal is sold out.", code=DEAL_SOLD_OUT)


@transaction.atomic
def deal_buy(
    *,
    actor,
    show_id: int,
    deal_id: int,
    quantity: int,
    shipping_address: dict | None = None,
    address_id: int | None = None,
):
    """One-tap buy in the stream: takes deal units, then places the shop order at the deal
    price (attributed to the show and its host) and its pay order through the shop's door to
    payments. Returns (order, prepay_id); the buyer confirms with the PIN as for any pay order."""
    deal = selectors.deal_get(show_id=show_id, deal_id=deal_id)
    show = deal.show
    if selectors.restricted(show=show, user_id=actor.pk, kind=Restriction.Kind.BAN):
        raise Forbidden("You are banned from this show.", code=BANNED)
    _deal_open(deal)
    _take_units(deal, actor, quantity)
    shop = shop_selectors.shop_for_brand(brand_id=show.brand_id)
    order = shop_services.order_checkout_nested(
        actor=actor,
        shop_id=shop.pk,
        shipping_address=shipping_address,
        address_id=address_id,
        items=[{"sku_id": deal.sku_id, "quantity": quantity}],
        currency=deal.currency,
        unit_amounts={deal.sku_id: deal.price},
        live_show_id=show.pk,
        live_host_id=show.host_id,
    )
    DealOrder.objects.create(deal=deal, buyer=actor, order_id=order.pk, quantity=quantity)
    order, _ = shop_services.order_payorder_create_nested(actor=actor, order_id=order.pk)
    remaining = Deal.objects.values_list("remaining", flat=True).get(pk=deal.pk)
    bus.publish_after_commit(
        show.pk,
        {"k": "event", "e": {"type": "deal_remaining", "deal_id": deal.pk, "remaining": remaining}},
    )
    return order, order.prepay_id


@transaction.atomic(savepoint=False)
def deal_order_release(*, order_id: int) -> bool:
    """A deal order was cancelled unpaid: its units return to the deal and to the buyer's
    allowance (once)."""
    released = DealOrder.objects.filter(order_id=order_id, released_at__isnull=True).update(
        released_at=timezone.now()
    )
    if not released:
        return False
    row = DealOrder.objects.get(order_id=order_id)
    DealClaim.objects.filter(deal_id=row.deal_id, buyer_id=row.buyer_id).update(
        quantity=F("quantity") - row.quantity
    )
    Deal.objects.filter(pk=row.deal_id).update(remaining=F("remaining") + row.quantity)
    return True


# --- Moderation ----------------------------------------------------------------------------------


@transaction.atomic
def restriction_add(
    *, actor, show_id: int, kind: str, username: str = "", user_id: int | None = None
) -> Restriction:
    """Mute (no comments) or ban (no comments, removed from the room, cannot rejoin or buy
    in the deal) a viewer, named by ``username`` or by ``user_id`` (as room comments name
    their authors). Idempotent. Room staff cannot be restricted."""
    show = selectors.show_for_room_staff(show_id=show_id, user=actor)
    user = _restricted_user(username, user_id)
    if selectors.is_room_staff(show=show, user=user):
        raise DomainError("The room's staff cannot be restricted.", code=CANNOT_RESTRICT_STAFF)
    lookup = {"show": show, "user": user, "kind": kind}  # a concurrent one is kept, no savepoint
    restriction, _created = sql.insert_or_get(Restriction, lookup, created_by=actor)
    bus.publish_after_commit(show.pk, {"k": "restrict", "user_id": user.pk, "kind": kind})
    return restriction


def _restricted_user(username: str, user_id: int | None):
    if user_id is None:
        return _users_named([username], "username")[0]
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise InvalidInput(fields={"user_id": ["No such user."]})
    return user


@transaction.atomic
def restriction_remove(*, actor, show_id: int, username: str, kind: str) -> None:
    """Undo a mute or a ban: the viewer may comment (and, unbanned, rejoin and buy) again.
    Removing a restriction that is not there changes nothing."""
    show = selectors.show_for_room_staff(show_id=show_id, user=actor)
    (user,) = _users_named([username], "username")
    Restriction.objects.filter(show=show, user=user, kind=kind).delete()
    bus.publish_after_commit(show.pk, {"k": "unrestrict", "user_id": user.pk, "kind": kind})


@transaction.atomic
def comment_remove(*, actor, show_id: int, comment_id: str) -> None:
    """Take a comment down: viewers drop it, statistics count it as removed."""
    show = selectors.show_for_room_staff(show_id=show_id, user=actor)
    Comment.objects.filter(show=show, public_id=comment_id, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    bus.publish_after_commit(
        show.pk, {"k": "event", "e": {"type": "comment_removed", "id": comment_id}}
    )


@transaction.atomic
def comment_restore(*, actor, show_id: int, comment_id: str) -> None:
    """Undo a removal: the comment counts again and viewers get it back (the stored comment;
    one not flushed yet is only kept in the rooms, which stop dropping it)."""
    show = selectors.show_for_room_staff(show_id=show_id, user=actor)
    Comment.objects.filter(show=show, public_id=comment_id).update(removed_at=None)
    comment = selectors.comment_payload(show=show, comment_id=comment_id)
    bus.publish_after_commit(
        show.pk,
        {"k": "event", "e": {"type": "comment_restored", "id": comment_id, "comment": comment}},
    )


# --- Room flushes (called by the hub, once per flush interval, never per like) --------------------


@transaction.atomic
def room_flush(
    *,
    show_id: int,
    comments: list[dict],
    removed: set[str],
    viewers: dict[int, object],
    likes_total: int,
    peak_viewers: int,
) -> None:
    """Write what a process's hub gathered: comments and first-time viewers in bulk, and the
    show's like total and peak (both only grow, so flushes of several processes commute)."""
    now = timezone.now()
    Comment.objects.bulk_create(
        [
            Comment(
                show_id=show_id,
                public_id=c["id"],
                user_id=c["user"]["id"],
                text=c["text"],
                created_at=c["created_at"],
                removed_at=now if c["id"] in removed else None,
            )
            for c in comments
        ],
        ignore_conflicts=True,
    )
    Viewer.objects.bulk_create(
        [Viewer(show_id=show_id, user_id=uid, first_joined_at=at) for uid, at in viewers.items()],
        ignore_conflicts=True,
    )
    Show.objects.filter(pk=show_id).update(
        like_count=Greatest(F("like_count"), likes_total),
        peak_viewers=Greatest(F("peak_viewers"), peak_viewers),
    )


# --- Reminders -----------------------------------------------------------------------------------


@transaction.atomic
def reminder_set(*, actor, show_id: int) -> Show:
    """ "Remind me": ``actor`` is told when this scheduled show goes live (once, even if they
    also follow the brand). Setting it again changes nothing."""
    show = selectors.show_get(show_id=show_id)
    if show.status != Status.SCHEDULED:
        raise DomainError(
            "Only a show that has not started yet can be reminded of.",
            code=INVALID_SHOW_STATUS,
        )
    Reminder.objects.bulk_create([Reminder(show=show, user=actor)], ignore_conflicts=True)
    return show


def reminder_delete(*, actor, show_id: int) -> None:
    """Take the reminder back (nothing happens if there was none)."""
    selectors.show_get(show_id=show_id)
    Reminder.objects.filter(show_id=show_id, user=actor).delete()


def _tell_live(show: Show, user_ids: list[int]) -> None:
    realtime.event_publish(
        user_ids=user_ids,
        type="live.show_started",
        payload={
            "show": {
                "id": show.pk,
                "title": show.title,
                "brand": {"id": show.brand_id, "name": show.brand.name},
                "cover_url": show.cover_url,
                "room": f"/ws/live/{show.pk}/",
            }
        },
    )


def _live_show(show_id: int) -> Show | None:
    return Show.objects.select_related("brand").filter(pk=show_id, status=Status.LIVE).first()


@transaction.atomic
def reminder_requested_batch_send(
    *, show_id: int, after_user_id: int | None, limit: int
) -> int | None:
    """Tell one page of the people who asked to be reminded of this show that it is live.
    Returns the key of the next page, or None when this page was the last."""
    show = _live_show(show_id)
    if show is None:
        return None
    page = selectors.reminder_user_ids(show_id=show_id, after_user_id=after_user_id, limit=limit)
    if page.rows:
        _tell_live(show, page.rows)
    return page.next


@transaction.atomic
def reminder_batch_send(*, show_id: int, after_user_id: int | None, limit: int) -> int | None:
    """Remind one page of the brand's followers that the show is live, through each one's
    event log (stored, pushed to their devices, caught up by sync) — except those who asked
    for a reminder of this show, told already by ``reminder_requested_batch_send``. Returns the
    key of the next page, or None when this page was the last."""
    show = _live_show(show_id)
    if show is None:
        return None
    page = official_selectors.brand_follower_ids(
        brand_id=show.brand_id, after_user_id=after_user_id, limit=limit
    )
    told = selectors.reminded_among(show_id=show_id, user_ids=page.rows) if page.rows else set()
    untold = [user_id for user_id in page.rows if user_id not in told]
    if untold:
        _tell_live(show, untold)
    return page.next
