"""Purchases: earning points, welcome rewards, tiers, associate commission, and reversing them
on refunds. Purchases are locked before their member."""

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from loyalty import locks, selectors
from loyalty.models import (
    Commission,
    Member,
    PointEntry,
    PointLot,
    Program,
    Purchase,
    PurchaseRefund,
)
from loyalty.services.clients import _client_touch, _client_touch_statement
from loyalty.services.ledger import Kind, Reason, _credit, _credit_rows, _debit, _expire_due_lots
from loyalty.services.members import Earner, _earner_locked
from superapp.core import sql
from superapp.official import selectors as official_selectors

# --- Purchases: earning, tiers, commission, refunds -------------------------------------------


@transaction.atomic(savepoint=False)
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
) -> Purchase | None:
    """Record a paid purchase once and award its points; idempotent on its natural keys.

    A shop order arrives as ``payments.payorder_paid`` and ``shop.order_paid`` with the same
    ``prepay_id``: the second one enriches the purchase (lines for bonus campaigns, the
    associate, the live show) and only the extra points are awarded.

    A free order (a coupon covered all of it) is paid with 0: the client bought, so the client
    book says so, but nothing was paid to earn on or to refund later: no purchase (None)."""
    now = now or timezone.now()
    if amount <= 0:
        _client_touch(brand_id=brand_id, user_id=user_id, purchased_at=paid_at)
        return None
    purchase, created = _purchase_claim(
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
    earner = _earner_locked(brand_id=brand_id, user_id=purchase.user_id, at=purchase.paid_at)
    if earner is None:  # no program: the client book only
        _client_touch(brand_id=brand_id, user_id=user_id, purchased_at=paid_at)
        if not created:
            purchase.save()
        return purchase
    _purchase_award(earner, purchase, now)
    _commission_settle(earner.program, purchase)
    return purchase


def _enriches(purchase: Purchase, source: str) -> bool:
    return source == Purchase.Source.SHOP_ORDER and purchase.source == Purchase.Source.PAY_ORDER


def _purchase_locked(brand_id: int, **natural_keys) -> Purchase | None:
    """The brand's purchase matching any of the given natural keys, locked."""
    match = Q(pk__in=[])
    for field, value in natural_keys.items():
        if value is not None:
            match |= Q(**{field: value})
    return locks.purchases().filter(match, brand_id=brand_id).first()


def _purchase_claim(**fields) -> tuple[Purchase, bool]:
    """(purchase, created): the new purchase, inserted in one statement, or — when one of its
    natural keys is taken (an event seen again, the second event of a shop order, or a
    concurrent one that inserted first) — the brand's purchase with that key, locked."""
    row = sql.all_values(Purchase(**fields))
    purchase_id = sql.insert_unless_conflicting(Purchase, row)
    if purchase_id is not None:
        return sql.loaded(Purchase, purchase_id, row), True
    keys = {key: fields[key] for key in ("order_id", "prepay_id", "reference")}
    purchase = _purchase_locked(fields["brand_id"], **keys)
    if purchase is None:
        raise IntegrityError("a purchase key conflicted with a row that is gone")
    return purchase, False


def _purchase_award(earner: Earner, purchase: Purchase, now) -> None:
    """The member's points (and tier) for ``purchase``, written (:func:`_earning_write`)."""
    program, member = earner.program, earner.member
    counted = purchase.member_id is not None  # awarded before: in the member's spend already
    purchase.member = member
    if member.first_purchase_at is None:
        member.first_purchase_at = purchase.paid_at
        _welcome_rewards(program, member, earner.referrer, purchase, now)
    points = 0
    if purchase.currency == program.currency:
        _tier_update(earner, purchase, now, counted=counted)
        campaigns = []
        if earner.campaigns_running:
            campaigns = selectors.bonus_campaigns_running(program=program, at=purchase.paid_at)
        due = selectors.purchase_points(
            program=program, purchase=purchase, tier=member.tier, campaigns=campaigns
        )
        points = max(due - purchase.points_awarded, 0)
        purchase.points_awarded += points
    _earning_write(member, purchase, points, now)


MEMBER_EARNED = ("points", "debt", "tier_id", "rolling_spend", "first_purchase_at")
PURCHASE_EARNED = (  # the award, and what a shop order's event adds to its pay order's
    *("member_id", "points_awarded", "source", "order_id", "lines"),
    *("associate_id", "live_show_id"),
)


def _earning_write(member: Member, purchase: Purchase, points: int, now) -> None:
    """Write an earning: the purchase's ``points`` (an entry and its lot, the member's debt
    paid first), the client book's purchase stamp linked to the member, the member and the
    purchase. One statement on PostgreSQL (a data-modifying WITH); one each on SQLite."""
    entry, lots = None, []  # the points' entry and lot
    if points:
        entry, lots = _credit_rows(member, points, Reason.PURCHASE, now, purchase)
    client = _client_touch_statement(
        brand_id=purchase.brand_id,
        user_id=purchase.user_id,
        purchased_at=purchase.paid_at,
        member=member,
    )
    writes = [
        client,
        sql.update_statement(Member, member.pk, {f: getattr(member, f) for f in MEMBER_EARNED}),
        sql.update_statement(
            Purchase, purchase.pk, {f: getattr(purchase, f) for f in PURCHASE_EARNED}
        ),
    ]
    if connection.vendor == "postgresql":
        ctes = sql.family_ctes(PointEntry, entry, PointLot, "entry_id", lots) if entry else ("", [])
        sql.execute_together(writes, ctes)
        return
    if entry:
        sql.insert_with_children(PointEntry, entry, PointLot, "entry_id", lots)
    for statement, params in writes:
        sql.execute(statement, params)


def _tier_update(earner: Earner, purchase: Purchase, now, *, counted: bool) -> None:
    """Upgrade at once when the purchase reaches the next tier. The stored rolling spend (exact
    after each scheduled ``tiers_reevaluate``) plus this purchase can only overstate the
    12-month spend, so below the next tier's threshold it is kept as that running total and
    nothing is summed; at or above it, the spend is summed exactly and decides the upgrade.
    ``counted``: the purchase is in the stored spend already (its first event was awarded)."""
    member, next_spend = earner.member, earner.next_tier_spend
    reach = member.rolling_spend + (0 if counted else purchase.amount - purchase.refunded_amount)
    if next_spend is None or reach < next_spend:
        member.rolling_spend = reach
        return
    if not counted:  # the sum counts it
        sql.execute(*sql.update_statement(Purchase, purchase.pk, {"member_id": member.pk}))
    member.rolling_spend, best = selectors.rolling_spend_and_tier(member=member, now=now)
    if best.min_spend > member.tier.min_spend:
        member.tier = best


def _welcome_rewards(
    program: Program, member: Member, referrer: Member | None, purchase: Purchase, now
) -> None:
    """Sign-up points, and referral points for both friends, on the first purchase (the
    entries point at it; a later refund of that purchase does not take them back). The
    referrer's row is locked already (:func:`_earner_locked`)."""
    if program.signup_points:
        _credit(member, program.signup_points, Reason.SIGNUP, now, purchase)
    if member.referred_by_id and program.referred_points:
        _credit(member, program.referred_points, Reason.REFERRAL, now, purchase)
    if referrer is not None and program.referrer_points:
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


@transaction.atomic(savepoint=False)
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
    refund = PurchaseRefund(purchase=purchase, event_id=event_id, source=source, amount=amount)
    if sql.insert_unless_conflicting(PurchaseRefund, sql.all_values(refund)) is None:
        return purchase  # this event's refund was recorded already (no savepoint needed)
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
    member = locks.members().select_related("program")
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
    """Brand staff scan a member card (or type its member number) and book an in-store
    purchase attributed to them."""
    member = selectors.member_for_staff(brand_id=brand_id, user=actor, card=card)
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
