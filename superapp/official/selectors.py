from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.utils import timezone

from superapp.core.errors import (
    ACCOUNT_NOT_FOUND,
    CONVERSATION_NOT_FOUND,
    DELIVERY_NOT_FOUND,
    INSUFFICIENT_ROLE,
    Forbidden,
    NotFound,
)
from superapp.core.fulltext import Search
from superapp.core.pagination import KeysetPage, keyset_page
from superapp.official.errors import BRAND_NOT_FOUND, NOT_FOLLOWING
from superapp.official.models import (
    ACCOUNT_SEARCH,
    ARTICLE_SEARCH,
    Article,
    Brand,
    BrandAuditEntry,
    BrandMember,
    Broadcast,
    CannedReply,
    Follow,
    FollowerCounterShard,
    FollowerDay,
    KeywordReply,
    OfficialAccount,
    ServiceConversation,
    ServiceMessage,
)
from superapp.webhooks import selectors as webhook_selectors

Role = BrandMember.Role
MANAGERS = (Role.OWNER, Role.ADMIN)
STAFF = (Role.OWNER, Role.ADMIN, Role.ASSOCIATE)


def brand_role(*, brand: Brand, user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return BrandMember.objects.filter(brand=brand, user=user).values_list("role", flat=True).first()


def brand_for_member(*, brand_id: int, user, roles=STAFF) -> Brand:
    """The brand if ``user`` holds one of ``roles`` in it. Non-members get 404 (the brand's
    internals are invisible to them); members with a lesser role get 403."""
    brand = Brand.objects.filter(pk=brand_id).first()
    role = brand_role(brand=brand, user=user) if brand else None
    if role is None:
        raise NotFound("No such brand.", code=BRAND_NOT_FOUND)
    if role not in roles:
        raise Forbidden("Your role in this brand does not allow this.", code=INSUFFICIENT_ROLE)
    return brand


def brands_for_user(*, user) -> QuerySet[Brand]:
    return Brand.objects.filter(members__user=user).order_by("name", "id")


def brand_memberships(*, user) -> QuerySet[BrandMember]:
    """The caller's memberships, with their brands: the workspace's list of teams."""
    return BrandMember.objects.filter(user=user).select_related("brand").order_by("brand_id")


def brand_organisation_ids(*, organisation_ids) -> set[int]:
    """Which of these developer organisations are brands' own (their shop's publisher)."""
    return set(
        Brand.objects.filter(developer_organisation_id__in=organisation_ids).values_list(
            "developer_organisation_id", flat=True
        )
    )


def brand_member_list(*, brand_id: int) -> QuerySet[BrandMember]:
    return BrandMember.objects.filter(brand_id=brand_id).select_related("user").order_by("id")


def brand_owned(*, user, name: str) -> Brand | None:
    """The brand called ``name`` that ``user`` owns (the oldest, if several)."""
    return (
        Brand.objects.filter(name=name, members__user=user, members__role=Role.OWNER)
        .order_by("id")
        .first()
    )


def brand_for_organisation(*, organisation_id: int) -> Brand | None:
    return Brand.objects.filter(developer_organisation_id=organisation_id).first()


def account_group(account_id: int) -> str:
    """The channel-layer group whose sockets hear an account's broadcasts."""
    return f"official.{account_id}"


def socket_groups_for_user(*, user_id: int) -> list[str]:
    """Realtime provider: a user's sockets join the group of every account they follow."""
    account_ids = Follow.objects.filter(user_id=user_id).values_list("account_id", flat=True)
    return [account_group(account_id) for account_id in account_ids]


def _with_follower_count(queryset: QuerySet[OfficialAccount]) -> QuerySet[OfficialAccount]:
    shards = (
        FollowerCounterShard.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return queryset.select_related("brand").annotate(
        follower_count=Coalesce(Subquery(shards), 0, output_field=BigIntegerField())
    )


def account_get(*, account_id: int) -> OfficialAccount:
    """A public account profile (any signed-in user may see it), with its follower count."""
    account = _with_follower_count(OfficialAccount.objects.filter(pk=account_id)).first()
    if account is None:
        raise NotFound("No such official account.", code=ACCOUNT_NOT_FOUND)
    return account


def chat_card_check(payload: dict) -> dict:
    """An ``official_account`` chat card (messaging's MESSAGING_CARD_CHECKS): an existing
    account, shown with its own name and avatar whatever the sender wrote."""
    account = (
        OfficialAccount.objects.filter(pk=payload["account_id"]).only("name", "avatar_url").first()
    )
    if account is None:
        raise NotFound("No such official account.", code=ACCOUNT_NOT_FOUND)
    return {"account_id": account.pk, "name": account.name, "avatar_url": account.avatar_url}


def account_for_member(*, account_id: int, user, roles=STAFF) -> OfficialAccount:
    """The account if ``user`` holds one of ``roles`` in its brand: 404 to outsiders (the
    brand's back office is invisible to them), 403 ``insufficient_role`` to lesser roles."""
    account = OfficialAccount.objects.select_related("brand").filter(pk=account_id).first()
    if account is None:
        raise NotFound("No such official account.", code=ACCOUNT_NOT_FOUND)
    brand_for_member(brand_id=account.brand_id, user=user, roles=roles)
    return account


def follow_of(*, account: OfficialAccount, user) -> Follow | None:
    return Follow.objects.filter(account=account, user=user).first()


def accounts_followed_by(*, user) -> QuerySet[OfficialAccount]:
    return _with_follower_count(OfficialAccount.objects.filter(follows__user=user)).order_by(
        "name", "id"
    )


def accounts_of_verified_brands() -> QuerySet[OfficialAccount]:
    """Accounts anyone may discover in the app: those of brands the platform verified."""
    return _with_follower_count(
        OfficialAccount.objects.filter(brand__verified_at__isnull=False).select_related("brand")
    ).order_by("name", "id")


def articles_for_account(*, account: OfficialAccount) -> QuerySet[Article]:
    return Article.objects.filter(account=account).order_by("-id")


def broadcasts_visible_to(*, account: OfficialAccount, user) -> QuerySet[Broadcast]:
    """An account's broadcasts as ``user`` may see them: brand staff see all of them, a
    follower those published since they followed; anyone else is refused."""
    broadcasts = Broadcast.objects.filter(account=account).order_by("-id")
    if brand_role(brand=account.brand, user=user) is not None:
        return broadcasts
    follow = follow_of(account=account, user=user)
    if follow is None:
        raise Forbidden("Follow this account to read its broadcasts.", code=NOT_FOLLOWING)
    return broadcasts.filter(created_at__gte=follow.followed_at)


FEED_SQL = f"""
SELECT b.* FROM {Follow._meta.db_table} f
CROSS JOIN LATERAL (
    SELECT * FROM {Broadcast._meta.db_table} b
    WHERE b.account_id = f.account_id
      AND b.created_at >= f.followed_at
      AND (b.created_at, b.id) < (%s, %s)
    ORDER BY b.created_at DESC, b.id DESC
    LIMIT %s
) b
WHERE f.user_id = %s
ORDER BY b.created_at DESC, b.id DESC
LIMIT %s
"""
FEED_START = (datetime.max.replace(tzinfo=UTC), 0)


def feed_for_user(*, user, before: tuple[datetime, int] | None, limit: int) -> list[Broadcast]:
    """The user's official-accounts feed, newest first: broadcasts of the accounts they follow,
    published since they followed, older than the keyset ``before`` (created_at, id).

    Fan-out on read: per follow, one backward scan of ``broadcast_account_idx`` that stops at
    the follow time or after ``limit`` rows, then the newest ``limit`` overall. The cost grows
    with how many accounts the reader follows, never with an account's follower count."""
    created_at, broadcast_id = before or FEED_START
    if connection.vendor == "postgresql":
        params = [created_at, broadcast_id, limit, user.pk, limit]
        broadcasts = list(Broadcast.objects.raw(FEED_SQL, params))
    else:  # the embedded SQLite of `make run` has no LATERAL: same rows, plainer plan
        broadcasts = list(
            feed_portable_query(user=user, before=(created_at, broadcast_id), limit=limit)
        )
    prefetch_related_objects(broadcasts, "account")
    return broadcasts


def feed_portable_query(*, user, before: tuple[datetime, int], limit: int) -> QuerySet[Broadcast]:
    """The feed without LATERAL (for SQLite): same rows, but the database sorts every visible
    broadcast instead of taking the head of each followed account's index."""
    created_at, broadcast_id = before
    follows = Follow.objects.filter(
        user=user, account=OuterRef("account"), followed_at__lte=OuterRef("created_at")
    )
    older = Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=broadcast_id)
    return (
        Broadcast.objects.filter(Exists(follows))
        .filter(older)
        .order_by("-created_at", "-id")[:limit]
    )


def brand_audit_log(*, brand: Brand) -> QuerySet[BrandAuditEntry]:
    return BrandAuditEntry.objects.filter(brand=brand).select_related("actor").order_by("-id")


def brand_deliveries(*, brand: Brand):
    return webhook_selectors.deliveries_for_owner(brand_webhook_owner(brand.pk))


def brand_delivery(*, brand: Brand, delivery_id: int):
    delivery = brand_deliveries(brand=brand).filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound("No such delivery.", code=DELIVERY_NOT_FOUND)
    return delivery


def brand_webhook_owner(brand_id: int) -> str:
    return f"brand:{brand_id}"


def keyword_replies_for(*, account: OfficialAccount) -> QuerySet[KeywordReply]:
    return KeywordReply.objects.filter(account=account).order_by("keyword", "id")


def keyword_reply_matching(*, account: OfficialAccount, text: str) -> KeywordReply | None:
    """The rule answering ``text``: an exact keyword match wins over a "contains" match."""
    normalized = text.strip().casefold()
    rules = sorted(keyword_replies_for(account=account), key=lambda r: r.match != "exact")
    for rule in rules:
        keyword = rule.keyword.casefold()
        if normalized == keyword or (rule.match == "contains" and keyword in normalized):
            return rule
    return None


class InboxFilter:
    UNCLAIMED = "unclaimed"
    MINE = "mine"
    ALL = "all"
    CHOICES = (UNCLAIMED, MINE, ALL)


def brand_inbox(
    *, brand: Brand, user, status: str, follower: str | None = None
) -> QuerySet[ServiceConversation]:
    """The brand's shared customer-service inbox, most recently active first. Each
    conversation carries its last message's text and whether the follower spoke last (it
    awaits an answer); ``follower`` narrows it to one follower's conversations (by username)."""
    last = ServiceMessage.objects.filter(conversation=OuterRef("pk")).order_by("-id")
    conversations = (
        ServiceConversation.objects.filter(account__brand=brand)
        .select_related("account", "user", "claimed_by")
        .annotate(
            last_text=Subquery(last.values("text")[:1]),
            last_direction=Subquery(last.values("direction")[:1]),
        )
        .order_by("-last_message_at", "-id")
    )
    if follower:
        conversations = conversations.filter(user__username__iexact=follower)
    if status == InboxFilter.UNCLAIMED:
        return conversations.filter(claimed_by__isnull=True)
    if status == InboxFilter.MINE:
        return conversations.filter(claimed_by=user)
    return conversations


def conversation_for_inbox(*, conversation_id: int, user) -> ServiceConversation:
    """One conversation as the inbox lists it, for a member of its brand; 404 otherwise."""
    conversation = conversation_for_staff(conversation_id=conversation_id, user=user)
    return brand_inbox(brand=conversation.account.brand, user=user, status=InboxFilter.ALL).get(
        pk=conversation.pk
    )


def canned_replies_for(*, brand: Brand) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(brand=brand).order_by(Lower("title"), "id")


def campaign_messages(*, brand_id: int, user_id: int, before: datetime | None, limit: int):
    """The loyalty campaigns the brand's accounts delivered to a follower, newest first."""
    messages = ServiceMessage.objects.filter(
        conversation__account__brand_id=brand_id,
        conversation__user_id=user_id,
        kind=ServiceMessage.Kind.CAMPAIGN,
    )
    if before is not None:
        messages = messages.filter(created_at__lt=before)
    return messages.order_by("-created_at", "-id").values(
        "campaign_id", "title", "created_at", "conversation__account__name"
    )[:limit]


def conversation_for_staff(*, conversation_id: int, user) -> ServiceConversation:
    conversation = (
        ServiceConversation.objects.select_related("account__brand", "user", "claimed_by")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or brand_role(brand=conversation.account.brand, user=user) is None:
        raise NotFound("No such conversation.", code=CONVERSATION_NOT_FOUND)
    return conversation


def conversation_messages(*, conversation: ServiceConversation) -> QuerySet[ServiceMessage]:
    return ServiceMessage.objects.filter(conversation=conversation).order_by("-id")


def follower_thread(*, account: OfficialAccount, user) -> QuerySet[ServiceMessage]:
    """The follower's own customer-service messages with an account, newest first."""
    return ServiceMessage.objects.filter(
        conversation__account=account, conversation__user=user
    ).order_by("-id")


def brand_staff_ids(*, brand: Brand) -> list[int]:
    return list(BrandMember.objects.filter(brand=brand).values_list("user_id", flat=True))


def broadcast_for_push(*, broadcast_id: int) -> Broadcast | None:
    return Broadcast.objects.select_related("account").filter(pk=broadcast_id).first()


def broadcast_summary(broadcast: Broadcast) -> dict:
    """What a socket hint carries: enough to render a notification, not the whole broadcast."""
    return {
        "id": broadcast.pk,
        "account_id": broadcast.account_id,
        "account_name": broadcast.account.name,
        "title": broadcast.title,
        "created_at": broadcast.created_at.isoformat(),
    }


def service_window_is_open(conversation: ServiceConversation, now: datetime | None = None) -> bool:
    """The WeChat rule: the brand may answer at most N times within H hours of the follower's
    last message (``OFFICIAL_SERVICE_WINDOW_MAX_REPLIES`` / ``OFFICIAL_SERVICE_WINDOW_HOURS``)."""
    opened = conversation.window_opened_at
    now = now or timezone.now()
    return (
        opened is not None
        and now - opened <= timedelta(hours=settings.OFFICIAL_SERVICE_WINDOW_HOURS)
        and conversation.replies_in_window < settings.OFFICIAL_SERVICE_WINDOW_MAX_REPLIES
    )


def brands_by_verification(*, verified: bool) -> QuerySet[Brand]:
    """For platform staff: the brands awaiting verification, or the verified ones."""
    return Brand.objects.filter(verified_at__isnull=not verified)


def brand_get(*, brand_id: int) -> Brand:
    """Any brand by id (brands are public); 404 ``brand_not_found`` otherwise."""
    brand = Brand.objects.filter(pk=brand_id).first()
    if brand is None:
        raise NotFound("No such brand.", code=BRAND_NOT_FOUND)
    return brand


def brand_user_ids(*, brand_id: int, roles=STAFF) -> list[int]:
    """Ids of the brand's members holding one of ``roles``, oldest membership first."""
    return list(
        BrandMember.objects.filter(brand_id=brand_id, role__in=roles)
        .order_by("created_at", "id")
        .values_list("user_id", flat=True)
    )


def brand_follower_ids(
    *, brand_id: int, after_user_id: int | None = None, limit: int = 1000
) -> KeysetPage[int]:
    """Ids of the users following any official account of the brand, one keyset page after
    ``after_user_id`` (fan-outs to large audiences)."""
    followers = Follow.objects.filter(account__brand_id=brand_id).values_list("user_id", flat=True)
    return keyset_page(followers.distinct(), after=after_user_id, size=limit, key="user_id")


def accounts_search(*, search: Search) -> QuerySet[OfficialAccount]:
    """Official accounts (public profiles) matching ``search``: best first, then the most
    followed."""
    return (
        _with_follower_count(OfficialAccount.objects.filter(search.condition(ACCOUNT_SEARCH)))
        .alias(rank=search.rank(ACCOUNT_SEARCH))
        .order_by("-rank", "-follower_count", "id")
    )


def accounts_featured(*, limit: int) -> list[OfficialAccount]:
    """What Discover shows first: the most followed accounts."""
    return list(
        _with_follower_count(OfficialAccount.objects.all()).order_by("-follower_count", "id")[
            :limit
        ]
    )


def articles_search(*, search: Search) -> QuerySet[Article]:
    """Articles (public on their account's profile) matching ``search`` by title or text,
    best first, then newest."""
    return (
        Article.objects.filter(search.condition(ARTICLE_SEARCH))
        .select_related("account")
        .alias(rank=search.rank(ARTICLE_SEARCH))
        .order_by("-rank", "-id")
    )


def brand_first_account_id(*, brand_id: int) -> int | None:
    """The brand's oldest official account: where its loyalty campaigns go out by default."""
    accounts = OfficialAccount.objects.filter(brand_id=brand_id).order_by("pk")
    return accounts.values_list("pk", flat=True).first()


def campaign_delivered_counts(*, campaign_ids: list[int]) -> dict[int, int]:
    """How many followers received each loyalty campaign (one query for the whole list)."""
    rows = (
        ServiceMessage.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    return dict(rows)


def accounts_of_brand(*, brand: Brand) -> QuerySet[OfficialAccount]:
    """The brand's own accounts (the workspace's list), newest first, with follower counts."""
    return _with_follower_count(OfficialAccount.objects.filter(brand=brand)).order_by("-id")


def broadcast_quota_window(kind: str, now: datetime) -> tuple[int, datetime, datetime]:
    """(limit, window start, window end): a calendar day (UTC) for subscription accounts, a
    calendar month for service accounts, as in WeChat."""
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == OfficialAccount.Kind.SUBSCRIPTION:
        return settings.OFFICIAL_SUBSCRIPTION_BROADCASTS_PER_DAY, day, day + timedelta(days=1)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return settings.OFFICIAL_SERVICE_BROADCASTS_PER_MONTH, month, next_month


def broadcasts_in_window(*, account: OfficialAccount, start: datetime) -> int:
    return Broadcast.objects.filter(account=account, created_at__gte=start).count()


def broadcast_quota(*, account: OfficialAccount, now: datetime | None = None) -> dict:
    """How many broadcasts the account may still send in its current window, and when the
    window resets (what the composer shows before a publish is refused with 429)."""
    now = now or timezone.now()
    limit, start, end = broadcast_quota_window(account.kind, now)
    used = broadcasts_in_window(account=account, start=start)
    return {
        "period": "day" if account.kind == OfficialAccount.Kind.SUBSCRIPTION else "month",
        "limit": limit,
        "used": used,
        "remaining": max(limit - used, 0),
        "resets_at": end,
    }


def follower_counts_per_day(*, account: OfficialAccount, days: int, today=None) -> list[dict]:
    """The follower count at the end of each of the last ``days`` days (UTC), oldest first:
    today's live count, each past day's snapshot (``FollowerDay``), and for days before the
    first snapshot an estimate from the follows that still exist (a follower who unfollowed
    before snapshots began is missing from those days). Three queries."""
    today = today or timezone.now().astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    snapshots = dict(
        FollowerDay.objects.filter(account=account, day__gte=first, day__lt=today).values_list(
            "day", "followers"
        )
    )
    series = []
    for point in _follower_estimate_per_day(account=account, first=first, days=days):
        followers = snapshots.get(point["day"], point["followers"])
        series.append({"day": point["day"], "followers": followers})
    series[-1]["followers"] = _live_follower_count(account)
    return series


def _live_follower_count(account: OfficialAccount) -> int:
    total = FollowerCounterShard.objects.filter(account=account).aggregate(total=Sum("count"))
    return total["total"] or 0


def _follower_estimate_per_day(*, account: OfficialAccount, first, days: int) -> list[dict]:
    """Per day from ``first``: the follows that still exist and were made by its end."""
    rows = (
        Follow.objects.filter(account=account)
        .annotate(day=TruncDate("followed_at", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    before = 0
    per_day: dict = {}
    for row in rows:
        if row["day"] < first:
            before += row["n"]
        else:
            per_day[row["day"]] = row["n"]
    series, running = [], before
    for offset in range(days):
        day = first + timedelta(days=offset)
        running += per_day.get(day, 0)
        series.append({"day": day, "followers": running})
    return series


def follower_counts_of_accounts(*, after_id: int | None, limit: int) -> KeysetPage[dict]:
    """``{"pk", "follower_count"}`` of one keyset page of accounts after ``after_id``, by id."""
    accounts = _with_follower_count(OfficialAccount.objects.all()).values("pk", "follower_count")
    return keyset_page(accounts, after=after_id, size=limit, key="pk")
