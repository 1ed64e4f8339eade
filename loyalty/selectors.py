"""Reads of loyalty: programs, member cards, points math, the client book, segments, timeline,
consents and the ledger verification."""

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime

from loyalty import errors
from loyalty.models import (
    AssociateHandover,
    BonusCampaign,
    Campaign,
    Client,
    ClientNote,
    ClientTag,
    Commission,
    Consent,
    FollowUpTask,
    Member,
    PointEntry,
    PointLot,
    Program,
    Purchase,
    Segment,
    ServiceChat,
    Tag,
    Tier,
)
from superapp.core import sql
from superapp.core.errors import InvalidInput
from superapp.official import selectors as official_selectors

ROLLING_SPEND_WINDOW = timedelta(days=365)
CARD_PREFIX = "plaza-card"


# --- Programs and members ---------------------------------------------------------------------


def program_for_brand(*, brand_id: int) -> Program:
    program = Program.objects.select_related("brand").filter(brand_id=brand_id, is_active=True)
    program = program.first()
    if program is None:
        raise errors.ProgramNotFound()
    return program


def program_for_manager(*, brand_id: int, user) -> Program:
    official_selectors.brand_for_member(
        brand_id=brand_id, user=user, roles=official_selectors.MANAGERS
    )
    return program_for_brand(brand_id=brand_id)


def member_for_user(*, brand_id: int, user) -> Member:
    member = (
        Member.objects.select_related("tier", "program")
        .filter(program__brand_id=brand_id, user=user)
        .first()
    )
    if member is None:
        raise errors.NotAMember()
    return member


def memberships_for_user(*, user) -> QuerySet[Member]:
    """The person's member cards at every brand, by brand name, with what a card shows."""
    return (
        Member.objects.filter(user=user)
        .select_related("program__brand", "tier")
        .order_by("program__brand__name", "pk")
    )


def card_payload(member: Member) -> str:
    """What the member card's QR code encodes: brand, number and an unguessable token."""
    return f"{CARD_PREFIX}:{member.program.brand_id}:{member.member_number}:{member.card_token}"


def member_for_card(*, brand_id: int, card: str) -> Member:
    """The member whose card was scanned at this brand; anything else is ``card_not_found``."""
    parts = card.split(":")
    member = None
    if len(parts) == 4 and parts[0] == CARD_PREFIX and parts[1] == str(brand_id):
        member = (
            Member.objects.select_related("program", "tier", "user")
            .filter(program__brand_id=brand_id, member_number=parts[2])
            .first()
        )
    if member is None or not constant_time_compare(member.card_token, parts[3]):
        raise errors.CardNotFound()
    return member


def member_for_staff(*, brand_id: int, user, card: str) -> Member:
    """The member a brand's staff looked up at the till: a scanned card QR (checked like
    ``member_for_card``) or the member number printed under it, typed in."""
    official_selectors.brand_for_member(brand_id=brand_id, user=user)
    card = card.strip()
    if card.startswith(f"{CARD_PREFIX}:"):
        return member_for_card(brand_id=brand_id, card=card)
    member = (
        Member.objects.select_related("program", "tier", "user")
        .filter(program__brand_id=brand_id, member_number=card)
        .first()
    )
    if member is None:
        raise errors.CardNotFound()
    return member


def point_entries(*, member: Member) -> QuerySet[PointEntry]:
    return PointEntry.objects.filter(member=member)


def points_expiring(*, member: Member, within_days: int = 30) -> int:
    horizon = timezone.now() + timedelta(days=within_days)
    open_lots = PointLot.objects.filter(member=member, remaining__gt=0, expires_at__lte=horizon)
    return open_lots.aggregate(total=Coalesce(Sum("remaining"), 0))["total"]


# --- Points math ------------------------------------------------------------------------------


def _net_amount():
    refunded = Least(F("amount"), Greatest(F("pay_refunded_total"), F("shop_refunded_total")))
    return F("amount") - refunded


def rolling_spend_and_tier(*, member: Member, now: datetime) -> tuple[int, Tier]:
    """What the member spent in the program currency over the last 12 months, net of refunds,
    and the highest tier of its program that spend reaches: one hand-written read (a tier
    upgrade's, on an earning), the ORM's compile cost left out."""
    since = connection.ops.adapt_datetimefield_value(now - ROLLING_SPEND_WINDOW)
    params = [member.pk, member.program.currency, since, member.program_id]
    spend, *tier = sql.fetch_one(_spend_and_tier_statement(connection.vendor), params)
    return int(spend), sql.instance(Tier, TIER_COLUMNS, tier)


TIER_COLUMNS = sql.field_names(Tier)


@functools.cache
def _spend_and_tier_statement(vendor: str) -> str:
    net = sql.expression_sql(Purchase, _net_amount())  # the ORM's own, compiled once
    return (
        f"SELECT s.spend, {', '.join('t.' + column for column in TIER_COLUMNS)}"
        f" FROM (SELECT COALESCE(SUM({net}), 0) AS spend FROM {Purchase._meta.db_table}"
        " WHERE member_id = %s AND currency = %s AND paid_at > %s) s"
        f" JOIN {Tier._meta.db_table} t ON t.min_spend <= s.spend WHERE t.program_id = %s"
        " ORDER BY t.min_spend DESC LIMIT 1"
    )


def rolling_spend_subquery(*, program: Program, now: datetime) -> QuerySet:
    """Per-member rolling spend, correlated on the outer member row (for one UPDATE)."""
    return (
        Purchase.objects.filter(
            member=OuterRef("pk"), currency=program.currency, paid_at__gt=now - ROLLING_SPEND_WINDOW
        )
        .values("member")
        .annotate(total=Sum(_net_amount()))
        .values("total")
    )


def qualified_tier_subquery() -> QuerySet:
    """The highest tier of the outer member's program its rolling spend reaches."""
    return (
        Tier.objects.filter(program=OuterRef("program"), min_spend__lte=OuterRef("rolling_spend"))
        .order_by("-min_spend")
        .values("pk")[:1]
    )


def bonus_campaigns_running(*, program: Program, at: datetime) -> list[BonusCampaign]:
    return list(BonusCampaign.objects.filter(program=program, starts_at__lte=at, ends_at__gt=at))


def purchase_points(
    *, program: Program, purchase: Purchase, tier: Tier, campaigns: list[BonusCampaign]
) -> int:
    """Points a purchase earns: rate x what was paid, line by line, times the best bonus
    campaign running at payment time (``campaigns``: :func:`bonus_campaigns_running`) that
    matches the line (product, collection or everything), times the member's tier multiplier.
    Rounded down once, at the end.

    Lines carry their price before an order-wide coupon; what was paid (``purchase.amount``)
    is shared among them in proportion to their amounts, so points follow the payment."""
    lines = purchase.lines or [{"amount": purchase.amount}]
    lines_total = sum(int(line["amount"]) for line in lines)
    if lines_total == 0:
        return 0
    weighted = sum(int(line["amount"]) * _campaign_percent(campaigns, line) for line in lines)
    numerator = weighted * purchase.amount * program.points_per_unit * tier.multiplier_percent
    return numerator // (lines_total * program.unit_minor * 100 * 100)


def _campaign_percent(campaigns: list[BonusCampaign], line: dict) -> int:
    collections = set(line.get("collection_ids") or [])
    matching = [
        c.multiplier_percent
        for c in campaigns
        if (c.product_id is None and c.collection_id is None)
        or (c.product_id is not None and c.product_id == line.get("product_id"))
        or (c.collection_id is not None and c.collection_id in collections)
    ]
    return max(matching, default=100)


# --- Verification -----------------------------------------------------------------------------


@dataclass
class VerifyReport:
    members: int = 0
    earned: int = 0
    available: int = 0
    spent: int = 0
    expired: int = 0
    debt: int = 0
    lots_checked: int = 0
    mismatches: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def points_verify() -> VerifyReport:
    """Check the points ledger: for every member earned = available + spent + expired, the
    cached balance and debt equal the ledger, and every lot's points = remaining + draws."""
    report = VerifyReport()
    totals = {
        row["member_id"]: row
        for row in PointEntry.objects.values("member_id").annotate(
            earned=Coalesce(Sum("points", filter=Q(kind="earn")), 0),
            reversed=Coalesce(Sum("points", filter=Q(kind="reverse")), 0),
            spent=Coalesce(Sum("points", filter=Q(kind="redeem")), 0),
            expired=Coalesce(Sum("points", filter=Q(kind="expire")), 0),
            debt=Coalesce(Sum("debt_change"), 0),
        )
    }
    available = dict(
        PointLot.objects.values("member_id")
        .annotate(total=Sum("remaining"))
        .values_list("member_id", "total")
    )
    for member_id, points, debt in Member.objects.values_list("pk", "points", "debt").iterator():
        row = totals.get(member_id, {"earned": 0, "reversed": 0, "spent": 0, "expired": 0})
        earned = row["earned"] - row["reversed"]
        lots = available.get(member_id, 0)
        report.members += 1
        report.earned += earned
        report.available += lots
        report.spent += row["spent"]
        report.expired += row["expired"]
        report.debt += debt
        if earned != lots + row["spent"] + row["expired"] or points != lots:
            report.mismatches.append(
                {"member_id": member_id, "earned": earned, "available": lots, "cached": points}
            )
        elif debt != row.get("debt", 0):
            report.mismatches.append({"member_id": member_id, "debt": debt, "ledger": row["debt"]})
    broken_lots = PointLot.objects.annotate(drawn=Coalesce(Sum("draws__points"), 0)).exclude(
        points=F("remaining") + F("drawn")
    )
    report.lots_checked = PointLot.objects.count()
    report.mismatches += [{"lot_id": pk} for pk in broken_lots.values_list("pk", flat=True)]
    return report


# --- Client book ------------------------------------------------------------------------------


def public_user(user_id: int | None) -> dict | None:
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).values("username", "display_name").first()
    return user


def least_busy_associate(*, brand_id: int) -> int | None:
    """The brand's associate with the fewest assigned clients (earliest member on ties)."""
    associate_ids = official_selectors.brand_user_ids(
        brand_id=brand_id, roles=(official_selectors.Role.ASSOCIATE,)
    )
    if not associate_ids:
        return None
    loads = dict(
        Client.objects.filter(brand_id=brand_id, associate_id__in=associate_ids)
        .values("associate_id")
        .annotate(n=Count("pk"))
        .values_list("associate_id", "n")
    )
    return min(associate_ids, key=lambda pk: loads.get(pk, 0))


def visible_tags_q(*, user, prefix: str = "") -> Q:
    """Tags a staff member sees: brand-wide ones and their own personal ones."""
    return Q(**{f"{prefix}owner__isnull": True}) | Q(**{f"{prefix}owner": user})


def _active_consent(purpose: str) -> Exists:
    return Exists(
        Consent.objects.filter(
            brand_id=OuterRef("brand_id"),
            user_id=OuterRef("user_id"),
            purpose=purpose,
            withdrawn_at__isnull=True,
        )
    )


def _for_display(clients: QuerySet[Client]) -> QuerySet[Client]:
    """Clients with what a list shows: user, associate, tier, and the client's consents."""
    return clients.select_related("user", "associate", "member__tier").annotate(
        marketing_consent=_active_consent(Consent.Purpose.MARKETING),
        crm_profile_consent=_active_consent(Consent.Purpose.CRM_PROFILE),
    )


def clients_for_staff(*, brand_id: int, user) -> QuerySet[Client]:
    official_selectors.brand_for_member(brand_id=brand_id, user=user)
    return _for_display(Client.objects.filter(brand_id=brand_id))


def clients_search(clients: QuerySet[Client], *, text: str) -> QuerySet[Client]:
    """Clients whose username or display name contains ``text`` (case-insensitive)."""
    text = text.strip()
    if not text:
        return clients
    return clients.filter(Q(user__username__icontains=text) | Q(user__display_name__icontains=text))


def client_for_staff(*, brand_id: int, client_id: int, user) -> Client:
    """A client of this brand for one of its staff; any other client is not found."""
    client = clients_for_staff(brand_id=brand_id, user=user).filter(pk=client_id).first()
    if client is None:
        raise errors.ClientNotFound()
    return client


def client_tags(*, client: Client, user) -> QuerySet[Tag]:
    return Tag.objects.filter(visible_tags_q(user=user), client_tags__client=client).order_by(
        "name"
    )


def client_notes(*, client: Client) -> QuerySet[ClientNote]:
    return client.notes.select_related("author")


def tasks_for(*, brand_id: int, user, open_only: bool = True) -> QuerySet[FollowUpTask]:
    official_selectors.brand_for_member(brand_id=brand_id, user=user)
    tasks = FollowUpTask.objects.filter(client__brand_id=brand_id, assignee=user)
    if open_only:
        tasks = tasks.filter(done_at__isnull=True)
    return tasks.select_related("client__user", "assignee")


def client_timeline(*, client: Client, before: datetime | None, limit: int) -> list[dict]:
    """The client's story at this brand, newest first: purchases (live-show ones marked),
    points movements, service chats, campaigns received and associate hand-overs."""
    at = {"lt": before} if before else {}

    def window(queryset, field_name):
        filters = {f"{field_name}__{op}": value for op, value in at.items()}
        return queryset.filter(**filters).order_by(f"-{field_name}", "-pk")[:limit]

    purchases = Purchase.objects.filter(brand_id=client.brand_id, user_id=client.user_id)
    items = [_purchase_item(p) for p in window(purchases, "paid_at")]
    if client.member_id:
        entries = PointEntry.objects.filter(member_id=client.member_id)
        items += [
            _item("points", e.created_at, entry=e.kind, reason=e.reason, points=e.points)
            for e in window(entries, "created_at")
        ]
    chats = ServiceChat.objects.filter(client=client)
    items += [
        _item("service_chat", c.received_at, message_id=c.message_id, account_id=c.account_id)
        for c in window(chats, "received_at")
    ]
    items += [
        _item(
            "campaign",
            m["created_at"],
            campaign_id=m["campaign_id"],
            title=m["title"],
            account=m["conversation__account__name"],
        )
        for m in official_selectors.campaign_messages(
            brand_id=client.brand_id, user_id=client.user_id, before=before, limit=limit
        )
    ]
    handovers = AssociateHandover.objects.filter(client=client).select_related(
        "from_associate", "to_associate"
    )
    items += [
        _item(
            "handover",
            h.created_at,
            reason=h.reason,
            from_associate=_username(h.from_associate),
            to_associate=_username(h.to_associate),
        )
        for h in window(handovers, "created_at")
    ]
    items.sort(key=lambda item: item["at"], reverse=True)
    return items[:limit]


def _item(kind: str, at: datetime, **details) -> dict:
    return {"kind": kind, "at": at, "details": details}


def _purchase_item(purchase: Purchase) -> dict:
    return _item(
        "live_show_purchase" if purchase.live_show_id else "purchase",
        purchase.paid_at,
        purchase_id=purchase.pk,
        source=purchase.source,
        order_id=purchase.order_id,
        live_show_id=purchase.live_show_id,
        amount=purchase.amount,
        currency=purchase.currency,
        refunded_amount=purchase.refunded_amount,
    )


def _username(user) -> str | None:
    return user.username if user is not None else None


def client_of_user(*, brand_id: int, user) -> Client:
    """The consumer's own client record at a brand (to see who looks after them)."""
    client = Client.objects.select_related("associate").filter(brand_id=brand_id, user=user)
    client = client.first()
    if client is None:
        raise errors.ClientNotFound("You are not in this brand's client book.")
    return client


def handovers_of(*, client: Client) -> QuerySet[AssociateHandover]:
    return client.handovers.select_related("from_associate", "to_associate").order_by("-pk")


def commissions_for(*, brand_id: int, user, associate=None) -> QuerySet[Commission]:
    """Managers see every associate's commission; an associate sees their own."""
    brand = official_selectors.brand_for_member(brand_id=brand_id, user=user)
    entries = Commission.objects.filter(brand=brand).select_related("associate", "purchase")
    if official_selectors.brand_role(brand=brand, user=user) not in official_selectors.MANAGERS:
        return entries.filter(associate=user)
    if associate is not None:
        entries = entries.filter(associate=associate)
    return entries


def commission_totals(*, brand_id: int, user, now: datetime | None = None) -> list[dict]:
    """The caller's own commission at the brand, per currency: all time and this month."""
    brand = official_selectors.brand_for_member(brand_id=brand_id, user=user)
    now = now or timezone.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Commission.objects.filter(brand=brand, associate=user)
        .values("currency")
        .annotate(
            total=Sum("amount"),
            this_month=Coalesce(Sum("amount", filter=Q(created_at__gte=month_start)), 0),
            entries=Count("pk"),
        )
        .order_by("currency")
    )
    return [{**row, "amount": row.pop("total")} for row in rows]


# --- Segments ---------------------------------------------------------------------------------


def segment_filters_check(*, brand_id: int, user, filters: dict) -> None:
    """Tier names and tag ids in a segment must exist at this brand (and be visible)."""
    tiers = set(filters.get("tiers") or [])
    if tiers:
        known = set(Tier.objects.filter(program__brand_id=brand_id).values_list("name", flat=True))
        if tiers - known:
            raise InvalidInput(fields={"tiers": [f"Unknown tiers: {sorted(tiers - known)}"]})
    tags = set(filters.get("tags") or [])
    if tags:
        visible = Tag.objects.filter(visible_tags_q(user=user), brand_id=brand_id, pk__in=tags)
        if visible.count() != len(tags):
            raise InvalidInput(fields={"tags": ["Unknown tag."]})


def segment_for_staff(*, brand_id: int, segment_id: int) -> Segment:
    segment = Segment.objects.filter(brand_id=brand_id, pk=segment_id).first()
    if segment is None:
        raise errors.SegmentNotFound()
    return segment


def segments_for_staff(*, brand_id: int, user) -> QuerySet[Segment]:
    official_selectors.brand_for_member(brand_id=brand_id, user=user)
    return Segment.objects.filter(brand_id=brand_id)


def segment_clients_for_staff(*, brand_id: int, segment_id: int, user) -> QuerySet[Client]:
    official_selectors.brand_for_member(brand_id=brand_id, user=user)
    segment = segment_for_staff(brand_id=brand_id, segment_id=segment_id)
    return _for_display(segment_clients(segment=segment, user=user))


def segment_clients(*, segment: Segment, user) -> QuerySet[Client]:
    return clients_matching(brand_id=segment.brand_id, filters=segment.filters, user=user)


def clients_matching(*, brand_id: int, filters: dict, user) -> QuerySet[Client]:
    """Clients by tiers (any of), 12-month spend range, last purchase window, tags (all of)."""
    clients = Client.objects.filter(brand_id=brand_id)
    if filters.get("tiers"):
        clients = clients.filter(member__tier__name__in=filters["tiers"])
    if filters.get("min_spend") is not None:
        clients = clients.filter(member__rolling_spend__gte=filters["min_spend"])
    if filters.get("max_spend") is not None:
        clients = clients.filter(member__rolling_spend__lte=filters["max_spend"])
    if filters.get("last_purchase_after"):
        after = parse_datetime(filters["last_purchase_after"])
        clients = clients.filter(last_purchase_at__gte=after)
    if filters.get("last_purchase_before"):
        before = parse_datetime(filters["last_purchase_before"])
        clients = clients.filter(last_purchase_at__lt=before)
    for tag_id in filters.get("tags") or []:
        tagged = Q(visible_tags_q(user=user, prefix="tag__"), client=OuterRef("pk"), tag_id=tag_id)
        clients = clients.filter(Exists(ClientTag.objects.filter(tagged)))
    return clients


def segment_preview(*, brand_id: int, user, filters: dict) -> dict:
    """The audience of unsaved filters: how many clients match and how many of them a campaign
    would reach (active marketing consent). Two counts, whatever the brand's size."""
    official_selectors.brand_for_member(brand_id=brand_id, user=user)
    segment_filters_check(brand_id=brand_id, user=user, filters=filters)
    clients = clients_matching(brand_id=brand_id, filters=filters, user=user)
    consenting = Consent.objects.filter(
        brand_id=brand_id,
        user=OuterRef("user"),
        purpose=Consent.Purpose.MARKETING,
        withdrawn_at__isnull=True,
    )
    return clients.aggregate(size=Count("pk"), consenting=Count("pk", filter=Q(Exists(consenting))))


def campaigns_for_manager(*, brand_id: int, user) -> QuerySet[Campaign]:
    """The brand's campaigns, newest first, with the segment they went to."""
    official_selectors.brand_for_member(
        brand_id=brand_id, user=user, roles=official_selectors.MANAGERS
    )
    return Campaign.objects.filter(brand_id=brand_id).select_related("segment").order_by("-pk")


def campaign_delivered_counts(*, campaigns: list[Campaign]) -> dict[int, int]:
    """How many followers each campaign reached (only followers of the account receive it)."""
    return official_selectors.campaign_delivered_counts(campaign_ids=[c.pk for c in campaigns])


def marketing_consenting_user_ids(*, brand_id: int, clients: QuerySet[Client]) -> list[int]:
    consenting = Consent.objects.filter(
        brand_id=brand_id,
        user=OuterRef("user"),
        purpose=Consent.Purpose.MARKETING,
        withdrawn_at__isnull=True,
    )
    return list(
        clients.filter(Exists(consenting)).order_by("user_id").values_list("user_id", flat=True)
    )


# --- Consent ----------------------------------------------------------------------------------


def consents_for_user(*, user) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(user=user)
        .select_related("brand", "miniprogram")
        .order_by("-granted_at", "-pk")
    )
