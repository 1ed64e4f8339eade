"""The points ledger: crediting and debiting lots, expiring them, and redeeming points for
rewards and checkout coupons.

Locking order (deadlock-free): a member row, then that member's lots in id order. Batches lock
members in primary-key order."""

import calendar
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from loyalty import errors, locks, selectors
from loyalty.models import (
    LotDraw,
    Member,
    PointEntry,
    PointLot,
    Program,
    Redemption,
    Reward,
)
from miniprograms.shop import events as shop_events
from superapp.core import sql
from superapp.core.domain_events import emit
from superapp.core.errors import InvalidInput
from superapp.core.pagination import keyset_page

Kind, Reason = PointEntry.Kind, PointEntry.Reason


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months, clamped to the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- The points ledger ------------------------------------------------------------------------


def _credit(member: Member, points: int, reason: str, now, purchase=None) -> PointEntry:
    """Earn ``points``: pay the member's debt first, put the rest into a new lot.
    The caller holds the member row locked and saves it."""
    entry, lots = _credit_rows(member, points, reason, now, purchase)
    # the entry and its lot in one statement (sql.insert_with_children)
    entry_id = sql.insert_with_children(PointEntry, entry, PointLot, "entry_id", lots)
    return sql.loaded(PointEntry, entry_id, entry)


def _credit_rows(member: Member, points: int, reason: str, now, purchase=None):
    """The rows of a credit, for a caller that writes them: the entry, and its lot unless the
    debt took every point ([] then). The member's cached points and debt already count them."""
    repaid = min(points, member.debt)
    credited = points - repaid
    entry = {
        "member_id": member.pk,
        "kind": Kind.EARN,
        "reason": reason,
        "points": credited,
        "debt_change": -repaid,
        "purchase_id": purchase.pk if purchase else None,
        "redemption_id": None,
        "created_at": now,
    }
    lot = {
        "member_id": member.pk,
        "points": credited,
        "remaining": credited,
        "expires_at": add_months(now, member.program.expiry_months),
    }
    member.debt -= repaid
    member.points += credited
    return entry, [lot] * bool(credited)


def _debit(member: Member, points: int, kind: str, reason: str, now, **refs) -> PointEntry:
    """Take ``points`` from the member's open lots, soonest expiry first (FIFO by expiry).

    The caller holds the member row locked, has checked the balance covers ``points``
    and saves the member afterwards."""
    entry = PointEntry.objects.create(
        member=member, kind=kind, reason=reason, points=points, created_at=now, **refs
    )
    needed, draws, drained = points, [], []
    lots = locks.point_lots().filter(member=member, remaining__gt=0).order_by("expires_at", "id")
    for lot in lots.iterator(chunk_size=100) if points else ():
        take = min(needed, lot.remaining)
        lot.remaining -= take
        draws.append(LotDraw(entry=entry, lot=lot, points=take))
        drained.append(lot)
        needed -= take
        if needed == 0:
            break
    if needed:
        raise errors.InsufficientPoints(available=member.points)
    LotDraw.objects.bulk_create(draws)
    PointLot.objects.bulk_update(drained, ["remaining"])
    member.points -= points
    return entry


def _expire_due_lots(member: Member, now) -> None:
    """Expire the member's lots past their date before a debit, so a debit never takes
    points that are already expired but not yet swept by the nightly job. The caller holds
    the member row locked and saves it."""
    lots = list(
        locks.point_lots()
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
    due = PointLot.objects.filter(remaining__gt=0, expires_at__lte=now).values_list(
        "member_id", flat=True
    )
    expired, after_id = 0, None
    while True:
        page = keyset_page(due.distinct(), after=after_id, size=batch_size, key="member_id")
        if page.rows:
            expired += _expire_batch(page.rows, now)
        if page.next is None:
            return expired
        after_id = page.next


@transaction.atomic
def _expire_batch(member_ids: list[int], now) -> int:
    """Expire the due lots of these members: one expiry entry per member, one draw per lot,
    set-based (a handful of statements per batch whatever its size)."""
    list(locks.members().filter(pk__in=member_ids).order_by("pk").values("pk"))
    lots = list(
        locks.point_lots()
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
    """Lower many cached balances in one statement (rows already locked by the caller). The
    amounts are a WITH clause, not ``FROM (VALUES …) AS v(…)``, which SQLite does not parse."""
    table = Member._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(amounts))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(id, expired) AS (VALUES {values}) "
            f"UPDATE {table} AS m SET points = m.points - v.expired FROM v WHERE m.id = v.id",
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
    member = locks.members().select_related("program").filter(program=program, user=actor).first()
    if member is None:
        raise errors.NotAMember()
    if reward_id is not None:
        reward = program.rewards.filter(pk=reward_id, is_active=True).first()
        if reward is None:
            raise errors.RewardNotFound()
        cost, kind, coupon = reward.points_cost, Redemption.Kind.REWARD, _reward_coupon(reward, now)
    else:
        reward, cost, kind = None, points, Redemption.Kind.CHECKOUT
        coupon = _checkout_coupon(program, points, now)
    _expire_due_lots(member, now)
    if member.points < cost:
        raise errors.InsufficientPoints(available=member.points, required=cost)
    redemption = Redemption.objects.create(
        member=member, kind=kind, reward=reward, points=cost, coupon=coupon
    )
    _debit(member, cost, Kind.REDEEM, Reason.REDEMPTION, now, redemption=redemption)
    member.save(update_fields=["points"])
    emit(
        shop_events.RewardRedeemed(
            redemption_id=redemption.pk, brand_id=program.brand_id, user_id=actor.pk, coupon=coupon
        )
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
        raise errors.RedemptionAboveCap(max_amount=program.checkout_max_amount)
    return {
        "kind": Reward.CouponKind.FIXED,
        "value": value,
        "currency": program.currency,
        "min_spend": math.ceil(value * 100 / program.checkout_max_percent),
        "valid_until": (now + timedelta(days=program.coupon_valid_days)).isoformat(),
    }
