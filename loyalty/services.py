"""Every write of loyalty: programs, the points ledger, purchases, redemptions, the client
book, segments and campaigns, consent.

Locking order (deadlock-free): a member row, then that member's lots in id order. Batches lock
members in primary-key order. Purchases are locked before their member.
"""

import calendar
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from loyalty import selectors
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
    LotDraw,
    Member,
    PointEntry,
    PointLot,
    Program,
    Purchase,
    PurchaseRefund,
    Redemption,
    Reward,
    Segment,
    ServiceChat,
    Tag,
    Tier,
)
from miniprograms import selectors as miniprogram_selectors
from superapp.core.domain_events import emit
from superapp.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from superapp.official import selectors as official_selectors
from superapp.realtime.services import event_publish

Kind, Reason = PointEntry.Kind, PointEntry.Reason
DEFAULT_TIER = {"name": "Member", "min_spend": 0, "multiplier_percent": 100}


class InsufficientPoints(DomainError):
    code = "insufficient_points"
    default_detail = "Not enough points."


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months, clamped to the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- Programs ---------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor, brand_id: int, tiers: list[dict] | None = None, **rules) -> Program:
    """A brand's owner or admin starts its program. A base tier at zero spend always exists."""
    brand = official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    tiers = list(tiers or [])
    for key in ("name", "min_spend"):
        if len({t[key] for t in tiers}) != len(tiers):
            raise InvalidInput(fields={"tiers": [f"Tier {key}s must be unique."]})
    if all(t["min_spend"] != 0 for t in tiers):
        tiers.append(DEFAULT_TIER)
    try:
        with transaction.atomic():
            program = Program.objects.create(brand=brand, **rules)
    except IntegrityError as exc:
        raise Conflict("This brand already runs a program.", code="program_exists") from exc
    Tier.objects.bulk_create([Tier(program=program, **t) for t in tiers])
    return program


PROGRAM_EDITABLE = {
    "name",
    "points_name",
    "points_per_unit",
    "unit_minor",
    "expiry_months",
    "signup_points",
    "referrer_points",
    "referred_points",
    "redeem_points_per_unit",
    "checkout_max_amount",
    "checkout_max_percent",
    "coupon_valid_days",
    "commission_bps",
    "is_active",
}


@transaction.atomic
def program_update(*, actor, brand_id: int, **changes) -> Program:
    """Managers change the rules from now on: lots already earned keep their expiry and
    coupons already issued keep their value; the currency and tiers are fixed once set."""
    official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    program = Program.objects.select_for_update().filter(brand_id=brand_id).first()
    if program is None:
        raise NotFound("This brand runs no loyalty program.", code="program_not_found")
    unknown = set(changes) - PROGRAM_EDITABLE
    if unknown:
        raise InvalidInput(fields={name: ["Not editable."] for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(program, name, value)
    program.save(update_fields=list(changes) or None)
    return program


@transaction.atomic
def bonus_campaign_create(*, actor, brand_id: int, **fields) -> BonusCampaign:
    program = selectors.program_for_manager(brand_id=brand_id, user=actor)
    if fields["ends_at"] <= fields["starts_at"]:
        raise InvalidInput(fields={"ends_at": ["Must be after starts_at."]})
    if fields.get("product_id") and fields.get("collection_id"):
        raise InvalidInput(fields={"product_id": ["Target a product or a collection, not both."]})
    return BonusCampaign.objects.create(program=program, **fields)


@transaction.atomic
def reward_create(*, actor, brand_id: int, **fields) -> Reward:
    program = selectors.program_for_manager(brand_id=brand_id, user=actor)
    if fields["coupon_kind"] == Reward.CouponKind.PERCENT and fields["coupon_value"] > 100:
        raise InvalidInput(fields={"coupon_value": ["A percent coupon is at most 100."]})
    return Reward.objects.create(program=program, **fields)


# --- Members ----------------------------------------------------------------------------------


def _member_create(
    *, program: Program, user_id: int, referred_by: Member | None = None
) -> tuple[Member, bool]:
    """A new member on the base tier with a random card number (retried on a number
    collision), or the member a concurrent request created first."""
    base_tier = program.tiers.order_by("min_spend").first()
    for _ in range(5):
        try:
            with transaction.atomic():
                member = Member.objects.create(
                    program=program,
                    user_id=user_id,
                    member_number=f"{secrets.randbelow(10**12):012d}",
                    card_token=secrets.token_hex(16),
                    tier=base_tier,
                    referred_by=referred_by,
                )
                return member, True
        except IntegrityError:
            existing = Member.objects.filter(program=program, user_id=user_id).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate a member number")


def _member_locked(*, program: Program, user_id: int) -> Member:
    """The member row locked for update, enrolling the user if needed.

    A member whose first purchase will pay a referral reward needs the referrer's row too:
    the referrer joined earlier (lower id), so it is locked first, keeping id order."""
    unrewarded_referrer = (
        Member.objects.filter(program=program, user_id=user_id, first_purchase_at__isnull=True)
        .values_list("referred_by_id", flat=True)
        .first()
    )
    if unrewarded_referrer is not None:
        list(Member.objects.select_for_update().filter(pk=unrewarded_referrer).values_list("pk"))
    locked = Member.objects.select_for_update(of=("self",)).select_related("tier", "program")
    member = locked.filter(program=program, user_id=user_id).first()
    if member is None:
        created, _ = _member_create(program=program, user_id=user_id)
        member = locked.get(pk=created.pk)
    return member


@transaction.atomic
def membership_join(*, actor, brand_id: int, referral_code: str = "") -> Member:
    """Join a brand's program, optionally with a friend's member number as referral code."""
    program = selectors.program_for_brand(brand_id=brand_id)
    if Member.objects.filter(program=program, user=actor).exists():
        raise Conflict("You are already a member.", code="already_member")
    referrer = None
    if referral_code:
        referrer = Member.objects.filter(program=program, member_number=referral_code).first()
        if referrer is None:
            raise InvalidInput(fields={"referral_code": ["Unknown referral code."]})
    member, created = _member_create(program=program, user_id=actor.pk, referred_by=referrer)
    if not created:
        raise Conflict("You are already a member.", code="already_member")
    client = _client_touch(brand_id=brand_id, user_id=actor.pk, opted_in=True)
    _client_link_member(client, member)
    return member


# --- The points ledger ------------------------------------------------------------------------


def _credit(member: Member, points: int, reason: str, now, purchase=None) -> PointEntry:
    """Earn ``points``: pay the member's debt first, put the rest into a new lot.
    The caller holds the member row locked and saves it."""
    repaid = min(points, member.debt)
    credited = points - repaid
    entry = PointEntry.objects.create(
        member=member,
        kind=Kind.EARN,
        reason=reason,
        points=credited,
        debt_change=-repaid,
        purchase=purchase,
        created_at=now,
    )
    if credited:
        PointLot.objects.create(
            member=member,
            entry=entry,
            points=credited,
            remaining=credited,
            expires_at=add_months(now, member.program.expiry_months),
        )
    member.debt -= repaid
    member.points += credited
    return entry


def _debit(member: Member, points: int, kind: str, reason: str, now, **refs) -> PointEntry:
    """Take ``points`` from the member's open lots, soonest expiry first (FIFO by expiry).

    The caller holds the member row locked, has checked the balance covers ``points``
    and saves the member afterwards."""
    entry = PointEntry.objects.create(
        member=member, kind=kind, reason=reason, points=points, created_at=now, **refs
    )
    needed, draws, drained = points, [], []
    lots = (
        PointLot.objects.select_for_update()
        .filter(member=member, remaining__gt=0)
        .order_by("expires_at", "id")
    )
    for lot in lots.iterator(chunk_size=100) if points else ():
        take = min(needed, lot.remaining)
        lot.remaining -= take
        draws.append(LotDraw(entry=entry, lot=lot, points=take))
        drained.append(lot)
        needed -= take
        if needed == 0:
            break
    if needed:
        raise InsufficientPoints(available=member.points)
    LotDraw.objects.bulk_create(draws)
    PointLot.objects.bulk_update(drained, ["remaining"])
    member.points -= points
    return entry


def _expire_due_lots(member: Member, now) -> None:
    """Expire the member's lots past their date before a debit, so a debit never takes
    points that are already expired but not yet swept by the nightly job. The caller holds
    the member row locked and saves it."""
    lots = list(
        PointLot.objects.select_for_update()
        .filter(member=member, remaining__gt=0, expires_at__lte=now)
        .order_by("id")
    )
    if not lots:
        return
    total = sum(lot.remaining for lot in lots)
    entry = PointEntry.objects.create(
        member=member, kind=Kind.EXPIRE, reason=Reason.EXPIRY, points=total, created_at=now
    )
    LotDraw.objects.bulk_create(
        [LotDraw(entry=entry, lot=lot, points=lot.remaining) for lot in lots]
    )
    PointLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(remaining=0)
    member.points -= total


def points_expire(*, now=None, batch_size: int | None = None) -> int:
    """Nightly: expire every unspent remainder past its date. Returns points expired.

    Works in batches of members, each its own transaction, locking members in id order
    (the same order as every other writer), then their due lots. Spent points are never
    touched: only ``remaining`` is expired, and the expiry is recorded as draws."""
    now = now or timezone.now()
    batch_size = batch_size or settings.LOYALTY_EXPIRY_BATCH_SIZE
    expired, after_id = 0, 0
    while True:
        member_ids = list(
            PointLot.objects.filter(remaining__gt=0, expires_at__lte=now, member_id__gt=after_id)
            .order_by("member_id")
            .values_list("member_id", flat=True)
            .distinct()[:batch_size]
        )
        if not member_ids:
            return expired
        expired += _expire_batch(member_ids, now)
        after_id = member_ids[-1]


@transaction.atomic
def _expire_batch(member_ids: list[int], now) -> int:
    """Expire the due lots of these members: one expiry entry per member, one draw per lot,
    set-based (a handful of statements per batch whatever its size)."""
    list(Member.objects.select_for_update().filter(pk__in=member_ids).order_by("pk").values("pk"))
    lots = list(
        PointLot.objects.select_for_update()
        .filter(member_id__in=member_ids, remaining__gt=0, expires_at__lte=now)
        .order_by("member_id", "id")
        .values_list("pk", "member_id", "remaining")
    )
    expired_by_member: dict[int, int] = {}
    for _, member_id, remaining in lots:
        expired_by_member[member_id] = expired_by_member.get(member_id, 0) + remaining
    entries = PointEntry.objects.bulk_create(
        [
            PointEntry(
                member_id=member_id,
                kind=Kind.EXPIRE,
                reason=Reason.EXPIRY,
                points=points,
                created_at=now,
            )
            for member_id, points in expired_by_member.items()
        ]
    )
    entry_of = {entry.member_id: entry.pk for entry in entries}
    LotDraw.objects.bulk_create(
        [
            LotDraw(entry_id=entry_of[member_id], lot_id=lot_id, points=remaining)
            for lot_id, member_id, remaining in lots
        ],
        batch_size=5000,
    )
    PointLot.objects.filter(pk__in=[lot_id for lot_id, _, _ in lots]).update(remaining=0)
    _members_points_lower(expired_by_member)
    return sum(expired_by_member.values())


def _members_points_lower(amounts: dict[int, int]) -> None:
    """Lower many cached balances in one statement (rows already locked by the caller)."""
    table = Member._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(amounts))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET points = m.points - v.expired "
            f"FROM (VALUES {values}) AS v(id, expired) WHERE m.id = v.id",
            [value for pair in amounts.items() for value in pair],
        )


@transaction.atomic
def redemption_create(
    *, actor, brand_id: int, points: int | None = None, reward_id: int | None = None, now=None
) -> Redemption:
    """Exchange points for a single-use personal coupon the shop issues
    (``loyalty.reward_redeemed``): either a catalogue reward, or ``points`` turned into a
    fixed checkout discount at the program rate, capped in amount and in share of the order
    (the coupon's ``min_spend``). The member row lock makes concurrent redemptions queue,
    so the balance can never be overspent."""
    now = now or timezone.now()
    program = selectors.program_for_brand(brand_id=brand_id)
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(program=program, user=actor)
        .first()
    )
    if member is None:
        raise NotFound("You are not a member of this program.", code="not_a_member")
    if reward_id is not None:
        reward = program.rewards.filter(pk=reward_id, is_active=True).first()
        if reward is None:
            raise NotFound("No such reward.", code="reward_not_found")
        cost, kind, coupon = reward.points_cost, Redemption.Kind.REWARD, _reward_coupon(reward, now)
    else:
        reward, cost, kind = None, points, Redemption.Kind.CHECKOUT
        coupon = _checkout_coupon(program, points, now)
    _expire_due_lots(member, now)
    if member.points < cost:
        raise InsufficientPoints(available=member.points, required=cost)
    redemption = Redemption.objects.create(
        member=member, kind=kind, reward=reward, points=cost, coupon=coupon
    )
    _debit(member, cost, Kind.REDEEM, Reason.REDEMPTION, now, redemption=redemption)
    member.save(update_fields=["points"])
    emit(
        "loyalty.reward_redeemed",
        {
            "redemption_id": redemption.pk,
            "brand_id": program.brand_id,
            "user_id": actor.pk,
            "coupon": coupon,
        },
    )
    return redemption


def _reward_coupon(reward: Reward, now) -> dict:
    return {
        "kind": reward.coupon_kind,
        "value": reward.coupon_value,
        "currency": reward.program.currency,
        "min_spend": reward.min_spend,
        "valid_until": (now + timedelta(days=reward.valid_days)).isoformat(),
    }


def _checkout_coupon(program: Program, points: int, now) -> dict:
    step = program.redeem_points_per_unit // math.gcd(
        program.redeem_points_per_unit, program.unit_minor
    )
    if points % step:
        raise InvalidInput(fields={"points": [f"Redeem a multiple of {step} points."]})
    value = points * program.unit_minor // program.redeem_points_per_unit
    if value > program.checkout_max_amount:
        raise DomainError(
            "That discount is above the program's cap.",
            code="redemption_above_cap",
            max_amount=program.checkout_max_amount,
        )
    return {
        "kind": Reward.CouponKind.FIXED,
        "value": value,
        "currency": program.currency,
        "min_spend": math.ceil(value * 100 / program.checkout_max_percent),
        "valid_until": (now + timedelta(days=program.coupon_valid_days)).isoformat(),
    }


# --- Purchases: earning, tiers, commission, refunds -------------------------------------------


@transaction.atomic
def purchase_record(
    *,
    brand_id: int,
    user_id: int,
    source: str,
    amount: int,
    currency: str,
    paid_at: datetime,
    order_id: int | None = None,
    prepay_id: str | None = None,
    reference: str | None = None,
    lines: list | None = None,
    associate_id: int | None = None,
    live_show_id: int | None = None,
    now=None,
) -> Purchase:
    """Record a paid purchase once and award its points; idempotent on its natural keys.

    A shop order arrives as ``payments.payorder_paid`` and ``shop.order_paid`` with the same
    ``prepay_id``: the second one enriches the purchase (lines for bonus campaigns, the
    associate, the live show) and only the extra points are awarded."""
    now = now or timezone.now()
    purchase = _purchase_locked(
        brand_id, order_id=order_id, prepay_id=prepay_id, reference=reference
    )
    created = False
    if purchase is None:
        purchase, created = _purchase_insert(
            brand_id=brand_id,
            user_id=user_id,
            source=source,
            amount=amount,
            currency=currency,
            paid_at=paid_at,
            order_id=order_id,
            prepay_id=prepay_id,
            reference=reference,
            lines=lines or [],
            associate_id=associate_id,
            live_show_id=live_show_id,
        )
    if not created:
        if not _enriches(purchase, source):
            return purchase
        purchase.source = source
        purchase.order_id = order_id
        purchase.lines = lines or []
        purchase.associate_id = associate_id
        purchase.live_show_id = live_show_id
    client = _client_touch(brand_id=brand_id, user_id=user_id, purchased_at=paid_at)
    program = Program.objects.filter(brand_id=brand_id, is_active=True).first()
    if program is not None:
        _purchase_award(program, purchase, client, now)
        _commission_settle(program, purchase)
    purchase.save()
    return purchase


def _enriches(purchase: Purchase, source: str) -> bool:
    return source == Purchase.Source.SHOP_ORDER and purchase.source == Purchase.Source.PAY_ORDER


def _purchase_locked(brand_id: int, **natural_keys) -> Purchase | None:
    """The brand's purchase matching any of the given natural keys, locked."""
    match = Q(pk__in=[])
    for field, value in natural_keys.items():
        if value is not None:
            match |= Q(**{field: value})
    return Purchase.objects.select_for_update().filter(match, brand_id=brand_id).first()


def _purchase_insert(**fields) -> tuple[Purchase, bool]:
    """Insert, or lock the row a concurrent event about the same purchase inserted first."""
    try:
        with transaction.atomic():
            return Purchase.objects.create(**fields), True
    except IntegrityError:
        purchase = _purchase_locked(
            fields["brand_id"],
            order_id=fields["order_id"],
            prepay_id=fields["prepay_id"],
            reference=fields["reference"],
        )
        if purchase is None:
            raise
        return purchase, False


def _purchase_award(program: Program, purchase: Purchase, client: Client, now) -> None:
    member = _member_locked(program=program, user_id=purchase.user_id)
    _client_link_member(client, member)
    purchase.member = member
    purchase.save(update_fields=["member"])
    if member.first_purchase_at is None:
        member.first_purchase_at = purchase.paid_at
        _welcome_rewards(program, member, purchase, now)
    if purchase.currency == program.currency:
        member.rolling_spend = selectors.rolling_spend(member=member, now=now)
        best = selectors.tier_for_spend(program=program, spend=member.rolling_spend)
        if best.min_spend > member.tier.min_spend:
            member.tier = best
        due = selectors.purchase_points(program=program, purchase=purchase, tier=member.tier)
        if due > purchase.points_awarded:
            _credit(member, due - purchase.points_awarded, Reason.PURCHASE, now, purchase)
            purchase.points_awarded = due
    member.save(update_fields=["points", "debt", "tier", "rolling_spend", "first_purchase_at"])


def _welcome_rewards(program: Program, member: Member, purchase: Purchase, now) -> None:
    """Sign-up points, and referral points for both friends, on the first purchase (the
    entries point at it; a later refund of that purchase does not take them back)."""
    if program.signup_points:
        _credit(member, program.signup_points, Reason.SIGNUP, now, purchase)
    if member.referred_by_id and program.referred_points:
        _credit(member, program.referred_points, Reason.REFERRAL, now, purchase)
    if member.referred_by_id and program.referrer_points:
        referrer = Member.objects.select_for_update(of=("self",)).select_related("program")
        referrer = referrer.get(pk=member.referred_by_id)
        _credit(referrer, program.referrer_points, Reason.REFERRAL, now, purchase)
        referrer.save(update_fields=["points", "debt"])


def _commission_settle(program: Program, purchase: Purchase) -> None:
    """Bring the associate's commission for this purchase to rate x (amount - refunded)."""
    if purchase.associate_id is None or not program.commission_bps:
        return
    if purchase.associate_id not in official_selectors.brand_user_ids(brand_id=program.brand_id):
        return
    due = (purchase.amount - purchase.refunded_amount) * program.commission_bps // 10000
    booked = purchase.commissions.aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    if due != booked:
        Commission.objects.create(
            brand_id=program.brand_id,
            associate_id=purchase.associate_id,
            purchase=purchase,
            amount=due - booked,
            currency=purchase.currency,
        )


@transaction.atomic
def purchase_refund(
    *,
    event_id: int,
    brand_id: int,
    source: str,
    amount: int,
    refunded_total: int | None = None,
    order_id: int | None = None,
    prepay_id: str | None = None,
    now=None,
) -> Purchase | None:
    """Apply a refund seen by the shop (``amount`` of this refund) or by payments
    (``refunded_total`` so far). Both views of one refund count once: the larger total wins.
    Points are reversed in proportion to the refunded share; what the member no longer has
    becomes a debt the next earnings pay first."""
    now = now or timezone.now()
    purchase = _purchase_locked(brand_id, order_id=order_id, prepay_id=prepay_id)
    if purchase is None:
        return None
    try:
        with transaction.atomic():
            PurchaseRefund.objects.create(
                purchase=purchase, event_id=event_id, source=source, amount=amount
            )
    except IntegrityError:
        return purchase
    if source == Purchase.Source.PAY_ORDER:
        purchase.pay_refunded_total = max(purchase.pay_refunded_total, refunded_total or amount)
    else:
        purchase.shop_refunded_total += amount
    if purchase.member_id is not None:
        _points_reverse(purchase, now)
        program = Program.objects.get(pk=purchase.member.program_id)
        _commission_settle(program, purchase)
    purchase.save()
    return purchase


def _points_reverse(purchase: Purchase, now) -> None:
    target = purchase.points_awarded * purchase.refunded_amount // purchase.amount
    due = target - purchase.points_reversed
    if due <= 0:
        return
    member = Member.objects.select_for_update(of=("self",)).select_related("program")
    member = member.get(pk=purchase.member_id)
    _expire_due_lots(member, now)
    taken = min(due, member.points)
    entry = _debit(member, taken, Kind.REVERSE, Reason.REFUND, now, purchase=purchase)
    entry.debt_change = due - taken
    entry.save(update_fields=["debt_change"])
    member.debt += due - taken
    member.save(update_fields=["points", "debt"])
    purchase.points_reversed = target


@transaction.atomic
def in_store_purchase_record(
    *, actor, brand_id: int, card: str, amount: int, currency: str, reference: str
) -> Purchase:
    """An associate scans a member card and books an in-store purchase attributed to them."""
    official_selectors.brand_for_member(brand_id=brand_id, user=actor)
    member = selectors.member_for_card(brand_id=brand_id, card=card)
    return purchase_record(
        brand_id=brand_id,
        user_id=member.user_id,
        source=Purchase.Source.IN_STORE,
        amount=amount,
        currency=currency,
        paid_at=timezone.now(),
        reference=reference,
        associate_id=actor.pk,
    )


def tiers_reevaluate(*, now=None) -> int:
    """Scheduled: recompute every member's rolling 12-month spend and move each to the tier
    it qualifies for (this is where downgrades happen). Returns how many members changed."""
    now = now or timezone.now()
    changed = 0
    for program in Program.objects.filter(is_active=True).only("pk", "currency"):
        with transaction.atomic():
            members = Member.objects.filter(program=program)
            members.update(
                rolling_spend=Coalesce(
                    Subquery(selectors.rolling_spend_subquery(program=program, now=now)), 0
                )
            )
            qualified = Subquery(selectors.qualified_tier_subquery())
            changed += members.exclude(tier=qualified).update(tier=qualified)
    return changed


# --- Client book ------------------------------------------------------------------------------


def _client_touch(
    *,
    brand_id: int,
    user_id: int,
    followed: bool = False,
    opted_in: bool = False,
    purchased_at=None,
) -> Client:
    """The client record of (brand, user), created on first contact, with its stamps kept."""
    client, _ = Client.objects.select_for_update().get_or_create(brand_id=brand_id, user_id=user_id)
    now = timezone.now()
    updates = {}
    if followed and client.followed_at is None:
        updates["followed_at"] = now
    if opted_in and client.opted_in_at is None:
        updates["opted_in_at"] = now
    if purchased_at and (client.last_purchase_at is None or purchased_at > client.last_purchase_at):
        updates["last_purchase_at"] = purchased_at
    for field, value in updates.items():
        setattr(client, field, value)
    if updates:
        client.save(update_fields=list(updates))
    return client


def _client_link_member(client: Client, member: Member) -> None:
    if client.member_id != member.pk:
        client.member = member
        client.save(update_fields=["member"])


@transaction.atomic
def client_follow(*, brand_id: int, user_id: int) -> Client:
    return _client_touch(brand_id=brand_id, user_id=user_id, followed=True)


@transaction.atomic
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
    client = Client.objects.select_for_update().get(pk=client.pk)
    role = official_selectors.brand_role(brand=client.brand, user=actor)
    if role not in official_selectors.MANAGERS and client.associate_id != actor.pk:
        raise Forbidden("Only managers or the current associate hand over.", code="not_your_client")
    if associate.pk not in official_selectors.brand_user_ids(brand_id=brand_id):
        raise InvalidInput(fields={"associate": ["Not a member of this brand."]})
    if associate.pk == client.associate_id:
        raise Conflict("This associate already looks after the client.", code="already_assigned")
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
        raise DomainError(
            "This client has the maximum number of tags.",
            code="too_many_tags",
            limit=settings.LOYALTY_MAX_TAGS_PER_CLIENT,
        )
    ClientTag.objects.create(client=client, tag=tag)
    return tag


@transaction.atomic
def client_tag_remove(*, actor, brand_id: int, client_id: int, tag_id: int) -> None:
    client = selectors.client_for_staff(brand_id=brand_id, client_id=client_id, user=actor)
    deleted, _ = ClientTag.objects.filter(
        selectors.visible_tags_q(user=actor, prefix="tag__"), client=client, tag_id=tag_id
    ).delete()
    if not deleted:
        raise NotFound("No such tag on this client.", code="tag_not_found")


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
        FollowUpTask.objects.select_for_update()
        .filter(pk=task_id, client__brand_id=brand_id, assignee=actor)
        .first()
    )
    if task is None:
        raise NotFound("No such task.", code="task_not_found")
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
    return task


# --- Segments and campaigns -------------------------------------------------------------------


@transaction.atomic
def segment_create(*, actor, brand_id: int, name: str, filters: dict) -> Segment:
    brand = official_selectors.brand_for_member(brand_id=brand_id, user=actor)
    selectors.segment_filters_check(brand_id=brand.pk, user=actor, filters=filters)
    return Segment.objects.create(brand=brand, name=name, filters=filters, created_by=actor)


@transaction.atomic
def campaign_send(
    *, actor, brand_id: int, segment_id: int, account_id: int, title: str, body: str
) -> Campaign:
    """Message a segment through the brand's official account, only to clients who consent to
    marketing by this brand now; ``loyalty.campaign_sent`` carries the final recipients."""
    official_selectors.brand_for_member(
        brand_id=brand_id, user=actor, roles=official_selectors.MANAGERS
    )
    account = official_selectors.account_get(account_id=account_id)
    if account.brand_id != brand_id:  # another brand's account is as good as none
        raise NotFound("No such official account.", code="account_not_found")
    segment = selectors.segment_for_staff(brand_id=brand_id, segment_id=segment_id)
    audience = selectors.segment_clients(segment=segment, user=actor)
    user_ids = selectors.marketing_consenting_user_ids(brand_id=brand_id, clients=audience)
    if not user_ids:
        raise DomainError("No client in this segment consents to marketing.", code="no_recipients")
    if len(user_ids) > settings.LOYALTY_CAMPAIGN_MAX_RECIPIENTS:
        raise DomainError(
            "Too many recipients for one campaign.",
            code="too_many_recipients",
            limit=settings.LOYALTY_CAMPAIGN_MAX_RECIPIENTS,
        )
    campaign = Campaign.objects.create(
        brand_id=brand_id,
        segment=segment,
        account_id=account_id,
        title=title,
        body=body,
        recipient_count=len(user_ids),
        skipped_without_consent=audience.count() - len(user_ids),
        sent_by=actor,
    )
    emit(
        "loyalty.campaign_sent",
        {
            "campaign_id": campaign.pk,
            "brand_id": brand_id,
            "account_id": account_id,
            "user_ids": user_ids,
            "title": title,
            "body": body,
        },
    )
    return campaign


# --- Consent ----------------------------------------------------------------------------------


@transaction.atomic
def consent_grant(
    *, actor, purpose: str, brand_id: int | None = None, app_id: str | None = None
) -> Consent:
    """Consent to one purpose for a brand or a mini-program; granting twice is a no-op.
    Consenting to a brand opts the consumer into its client book."""
    party = _consent_party(brand_id=brand_id, app_id=app_id)
    active = Consent.objects.filter(user=actor, purpose=purpose, withdrawn_at__isnull=True, **party)
    existing = active.first()
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        user=actor, purpose=purpose, granted_at=timezone.now(), **party
    )
    if brand_id is not None:
        _client_touch(brand_id=brand_id, user_id=actor.pk, opted_in=True)
    return consent


@transaction.atomic
def consents_withdraw(
    *,
    actor,
    brand_id: int | None = None,
    app_id: str | None = None,
    purposes: list[str] | None = None,
) -> int:
    """Withdraw in one step: every purpose (or the given ones) for one brand, one
    mini-program, or, with neither, everything the consumer ever consented to."""
    active = Consent.objects.filter(user=actor, withdrawn_at__isnull=True)
    if brand_id is not None or app_id is not None:
        active = active.filter(**_consent_party(brand_id=brand_id, app_id=app_id))
    if purposes:
        active = active.filter(purpose__in=purposes)
    return active.update(withdrawn_at=timezone.now())


def _consent_party(*, brand_id: int | None, app_id: str | None) -> dict:
    if (brand_id is None) == (app_id is None):
        raise InvalidInput(fields={"brand_id": ["Give exactly one of brand_id or app_id."]})
    if brand_id is not None:
        return {"brand": official_selectors.brand_get(brand_id=brand_id)}
    return {"miniprogram": miniprogram_selectors.miniprogram_by_app_id(app_id)}


# --- Data rights ------------------------------------------------------------------------------


@transaction.atomic
def member_data_erase(*, user) -> None:
    """Erasure, loyalty's part: forfeit live points as expiry (ledgers stay balanced, rows
    stay, pointing at the anonymised user), rotate card tokens, and delete the personal
    content: client-book records with their notes, tags, tasks and chats, consents, and the
    user's personal tags."""
    now = timezone.now()
    members = Member.objects.select_for_update(of=("self",)).select_related("program")
    for member in members.filter(user=user).order_by("pk"):
        if member.points:
            _debit(member, member.points, Kind.EXPIRE, Reason.ERASURE, now)
        member.card_token = secrets.token_hex(16)
        member.save(update_fields=["points", "card_token"])
    Client.objects.filter(user=user).delete()
    Consent.objects.filter(user=user).delete()
    Tag.objects.filter(owner=user).delete()
