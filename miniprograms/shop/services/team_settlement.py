"""Settling a team when it fills or expires: cancelling or refunding its orders, and refunding
the difference of a bigger team's price."""

from django.db import transaction
from django.utils import timezone

from miniprograms.shop import locks, selectors
from miniprograms.shop.models import (
    Order,
    RefundRequest,
    Team,
)
from miniprograms.shop.services.order_state import _cancel
from miniprograms.shop.services.pricing import discounted
from miniprograms.shop.services.refunds import _refund_owed
from miniprograms.shop.services.status import Status
from superapp.core.locks import lock_objects


def _team_settle_if_full(team_id: int) -> None:
    team = locks.teams().get(pk=team_id)
    paid = team.orders.filter(status__in=selectors.TEAM_MEMBER_STATUSES).count()
    if team.status == Team.Status.OPEN and paid >= team.product.team_tiers.last().size:
        _team_settle(team)


@transaction.atomic
def team_expire(*, team_id: int) -> Team | None:
    """The window closed: settle at the tier reached, or refund everyone in full."""
    team = (
        locks.teams(skip_locked=True)
        .filter(pk=team_id, status=Team.Status.OPEN, expires_at__lte=timezone.now())
        .first()
    )
    if team is None:
        return None
    _team_settle(team)
    return team


def _team_settle(team: Team) -> None:
    """Close the team. Every paid member pays the price of the largest tier the final size
    reached (the difference is owed back); below the smallest tier everyone is refunded in
    full and the stock returns. Unpaid orders are cancelled."""
    for order in lock_objects(team.orders).filter(status=Status.CREATED).order_by("pk"):
        _cancel(order, "team closed")
    members = list(
        lock_objects(team.orders)
        .filter(status__in=selectors.TEAM_MEMBER_STATUSES)
        .prefetch_related("lines")
        .order_by("pk")
    )
    reached = [t for t in team.product.team_tiers.all() if t.size <= len(members)]
    team.final_size, team.closed_at = len(members), timezone.now()
    if reached:
        team.status = Team.Status.SUCCEEDED
        team.final_discount_percent = reached[-1].discount_percent
    else:
        team.status = Team.Status.FAILED
    team.save()
    for order in members:
        _record_team_refund(order, team)


def team_refund_amount(order: Order, team: Team) -> int:
    """What ``order`` gets back when ``team`` closes: everything if the team failed, else what
    it paid above the final tier's price for each line."""
    if team.status == Team.Status.FAILED:
        return order.total
    final = sum(
        discounted(line.list_unit_amount, team.final_discount_percent) * line.quantity
        for line in order.lines.all()
    )
    return max(order.total - final, 0)


def _record_team_refund(order: Order, team: Team) -> None:
    amount = team_refund_amount(order, team)
    if amount == 0:
        return
    failed = team.status == Team.Status.FAILED
    _refund_owed(
        order=order,
        amount=amount,
        reason=(
            RefundRequest.Reason.TEAM_FAILED
            if failed
            else RefundRequest.Reason.TEAM_PRICE_DIFFERENCE
        ),
        restock={str(line.pk): line.quantity for line in order.lines.all()} if failed else {},
    )
