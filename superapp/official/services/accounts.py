"""Official accounts: profile, custom menu, follow and unfollow, the follower counter and
its daily snapshot."""

import random
from datetime import UTC

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from superapp.core import domain_events, sql
from superapp.core.errors import Conflict, DomainError, InvalidInput
from superapp.core.updates import model_update
from superapp.media import selectors as media_selectors
from superapp.official import events, locks, selectors
from superapp.official.errors import ACCOUNT_LIMIT_REACHED, NAME_TAKEN
from superapp.official.models import (
    Article,
    Follow,
    FollowerCounterShard,
    FollowerDay,
    OfficialAccount,
)
from superapp.official.selectors import MANAGERS, brand_for_member
from superapp.official.services.brands import _audit, _push_to_brand_server
from superapp.realtime import services as realtime


@transaction.atomic
def account_create(
    *, actor, brand_id: int, name: str, kind: str, description: str = "", avatar_url: str = ""
) -> OfficialAccount:
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    locks.brands().filter(pk=brand.pk).first()  # serialise the limit check
    if (
        OfficialAccount.objects.filter(brand=brand).count()
        >= settings.OFFICIAL_MAX_ACCOUNTS_PER_BRAND
    ):
        raise DomainError("This brand has its maximum of accounts.", code=ACCOUNT_LIMIT_REACHED)
    try:
        with transaction.atomic():
            account = OfficialAccount.objects.create(
                brand=brand, name=name, kind=kind, description=description, avatar_url=avatar_url
            )
    except IntegrityError as exc:
        raise Conflict("The brand already has an account by that name.", code=NAME_TAKEN) from exc
    FollowerCounterShard.objects.bulk_create(
        FollowerCounterShard(account=account, shard=shard)
        for shard in range(settings.OFFICIAL_FOLLOWER_COUNTER_SHARDS)
    )
    _audit(
        brand=brand,
        actor=actor,
        action="account.created",
        target=f"account:{account.pk}",
        name=name,
        kind=kind,
    )
    return account


@transaction.atomic
def account_update(
    *,
    actor,
    account_id: int,
    name: str | None = None,
    description: str | None = None,
    avatar_url: str | None = None,
    avatar_media: int | None = None,
) -> OfficialAccount:
    """Change the profile: name, description, avatar (a URL, or the actor's upload with
    purpose ``avatar`` as ``avatar_media``). Omitted fields stay as they are."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    if avatar_media:
        (avatar_url,) = media_selectors.public_image_urls(
            actor=actor, references=[avatar_media], purpose="avatar"
        )
    given = {"name": name, "description": description, "avatar_url": avatar_url}
    try:
        with transaction.atomic():
            changed = model_update(
                account,
                {field: value for field, value in given.items() if value is not None},
                fields=given,
            )
    except IntegrityError as exc:
        raise Conflict("The brand already has an account by that name.", code=NAME_TAKEN) from exc
    if not changed:
        return account
    _audit(
        brand=account.brand,
        actor=actor,
        action="account.updated",
        target=f"account:{account.pk}",
        fields=sorted(changed),
    )
    return account


@transaction.atomic
def account_delete(*, actor, account_id: int) -> None:
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    _audit(
        brand=account.brand,
        actor=actor,
        action="account.deleted",
        target=f"account:{account.pk}",
        name=account.name,
    )
    account.delete()


def _menu_problems(menu: list[dict]) -> list[str]:
    """Menu structure rules: at most N top-level items, each either an action or a sub-menu of
    1..M actions (an action is a link, a mini-program page or a keyword)."""
    problems = []
    if len(menu) > settings.OFFICIAL_MENU_MAX_ITEMS:
        problems.append(f"At most {settings.OFFICIAL_MENU_MAX_ITEMS} top-level items.")
    for position, item in enumerate(menu, start=1):
        sub_items = item.get("sub_items") or []
        if sub_items and item.get("type"):
            problems.append(f"Item {position}: either an action or sub-items, not both.")
        if not sub_items and not item.get("type"):
            problems.append(f"Item {position}: needs an action type or sub-items.")
        if len(sub_items) > settings.OFFICIAL_MENU_MAX_SUB_ITEMS:
            problems.append(
                f"Item {position}: at most {settings.OFFICIAL_MENU_MAX_SUB_ITEMS} sub-items."
            )
        if any(sub.get("sub_items") for sub in sub_items):
            problems.append(f"Item {position}: sub-items cannot nest.")
    return problems


def _menu_article_problems(account: OfficialAccount, menu: list[dict]) -> list[str]:
    """An ``article`` action must open one of this account's own articles."""
    actions = [sub for item in menu for sub in [item, *(item.get("sub_items") or [])]]
    wanted = {a["article_id"] for a in actions if a.get("type") == "article"}
    if not wanted:
        return []
    found = set(Article.objects.filter(account=account, pk__in=wanted).values_list("pk", flat=True))
    return [f"Article {pk} is not one of this account's articles." for pk in sorted(wanted - found)]


@transaction.atomic
def account_menu_set(*, actor, account_id: int, menu: list[dict]) -> OfficialAccount:
    """Replace the custom menu (already shape-checked by the API) after checking its rules."""
    account = selectors.account_for_member(account_id=account_id, user=actor, roles=MANAGERS)
    problems = _menu_problems(menu) + _menu_article_problems(account, menu)
    if problems:
        raise InvalidInput("The menu breaks its rules.", fields={"menu": problems})
    account.menu = menu
    account.save(update_fields=["menu"])
    _audit(brand=account.brand, actor=actor, action="menu.updated", target=f"account:{account.pk}")
    return account


def _follow_event(event_class, account: OfficialAccount, user):
    return event_class(brand_id=account.brand_id, account_id=account.pk, user_id=user.pk)


def _count_follower(account: OfficialAccount, delta: int) -> None:
    shard = random.randrange(settings.OFFICIAL_FOLLOWER_COUNTER_SHARDS)
    FollowerCounterShard.objects.filter(account=account, shard=shard).update(
        count=F("count") + delta
    )


@transaction.atomic
def account_follow(*, user, account_id: int) -> Follow:
    """Follow (idempotent): from now on the user's feed shows the account's broadcasts."""
    account = selectors.account_get(account_id=account_id)
    existing = selectors.follow_of(account=account, user=user)
    if existing is not None:
        return existing
    lookup = {"account": account, "user": user}
    follow, created = sql.insert_or_get(Follow, lookup, followed_at=timezone.now())
    if not created:  # a concurrent request of the same user followed first (no savepoint)
        return follow
    _count_follower(account, +1)
    domain_events.emit(_follow_event(events.AccountFollowed, account, user))
    _push_to_brand_server(account=account, user=user, event_type="official.account_followed")
    realtime.socket_groups_update(user_id=user.pk, join=[selectors.account_group(account.pk)])
    return follow


def _account_unfollow(*, user, account_id: int) -> None:
    """Unfollow (idempotent): the account's broadcasts leave the user's feed."""
    account = selectors.account_get(account_id=account_id)
    if not Follow.objects.filter(account=account, user=user).delete()[0]:
        return
    _count_follower(account, -1)
    domain_events.emit(_follow_event(events.AccountUnfollowed, account, user))
    _push_to_brand_server(account=account, user=user, event_type="official.account_unfollowed")
    realtime.socket_groups_update(user_id=user.pk, leave=[selectors.account_group(account.pk)])


account_unfollow = transaction.atomic(_account_unfollow)  # the follower's API
# an erasure unfollows everything inside its one transaction (official/privacy.py)
account_unfollow_nested = transaction.atomic(savepoint=False)(_account_unfollow)


def follower_days_snapshot(*, now=None, batch: int = 1000) -> int:
    """Write today's (UTC) follower count of every account into ``FollowerDay``, replacing the
    earlier snapshot of the day; returns the number of accounts. A batch per statement."""
    day = (now or timezone.now()).astimezone(UTC).date()
    written, after_id = 0, None
    while True:
        page = selectors.follower_counts_of_accounts(after_id=after_id, limit=batch)
        FollowerDay.objects.bulk_create(
            [
                FollowerDay(account_id=row["pk"], day=day, followers=row["follower_count"])
                for row in page.rows
            ],
            update_conflicts=True,
            unique_fields=["account", "day"],
            update_fields=["followers"],
        )
        written += len(page.rows)
        if page.next is None:
            return written
        after_id = page.next
