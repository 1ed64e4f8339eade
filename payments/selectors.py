"""Reads of the wallet, pay orders, settlement and the ledger's own consistency."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from payments.errors import GATEWAY_ORDER_NOT_FOUND, PAYORDER_NOT_FOUND
from payments.models import (
    Account,
    GatewayOrder,
    JournalTransaction,
    PayOrder,
    Posting,
    Refund,
)
from superapp.core.errors import NotFound

Kind = Account.Kind


def wallet_balances(*, user, sandbox: bool = False) -> list[dict]:
    """The user's real balances, or with ``sandbox`` their test money of sandbox apps."""
    return list(
        Account.objects.filter(kind=Kind.USER_WALLET, user=user, sandbox=sandbox)
        .order_by("currency")
        .values("currency", available=F("balance"))
    )


def wallet_statement(*, user, sandbox: bool = False) -> QuerySet[Posting]:
    """The user's wallet postings (paginate newest first), with what caused each; real money
    unless ``sandbox``."""
    return Posting.objects.filter(
        account__kind=Kind.USER_WALLET, account__user=user, account__sandbox=sandbox
    ).select_related(
        "transaction", "transaction__transfer__sender", "transaction__transfer__recipient"
    )


def gateway_order_for_user(*, user, reference: str) -> GatewayOrder:
    order = GatewayOrder.objects.filter(user=user, reference=reference).first()
    if order is None:
        raise NotFound("No such top-up or withdrawal.", code=GATEWAY_ORDER_NOT_FOUND)
    return order


def merchant_balances(*, organisation_id: int, sandbox: bool = False) -> list[dict]:
    """A merchant's balance per currency: the sum of its shards (real or sandbox)."""
    return list(
        Account.objects.filter(kind=Kind.MERCHANT, organisation_id=organisation_id, sandbox=sandbox)
        .values("currency")
        .annotate(available=Sum("balance"))
        .order_by("currency")
    )


def sandbox_balances(*, miniprogram) -> dict:
    """A sandbox app's test money: its organisation's sandbox merchant balance and each
    tester's test wallet (``{"merchant": [...], "testers": [...]}``), in two queries."""
    testers = (
        Account.objects.filter(
            kind=Kind.USER_WALLET,
            sandbox=True,
            user_id__in=miniprogram.testers.values("user_id"),
        )
        .order_by("user__username", "currency")
        .values("currency", available=F("balance"), username=F("user__username"))
    )
    return {
        "merchant": merchant_balances(organisation_id=miniprogram.organisation_id, sandbox=True),
        "testers": list(testers),
    }


def payorder_visible(*, prepay_id: str, miniprogram=None, payer=None) -> PayOrder:
    """A pay order as its mini-program or its payer sees it; 404 for anyone else."""
    lookup = {"miniprogram": miniprogram} if miniprogram is not None else {"payer": payer}
    order = (
        PayOrder.objects.select_related("miniprogram")
        .prefetch_related("refunds")
        .filter(prepay_id=prepay_id, **lookup)
        .first()
    )
    if order is None:
        raise NotFound("No such pay order.", code=PAYORDER_NOT_FOUND)
    return order


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def settlement_report(*, organisation_id: int, day: date, sandbox: bool = False) -> dict:
    """A merchant's payments and refunds of one UTC day, line by line, with totals per
    currency (gross, fees, net of fees); real money, or with ``sandbox`` the test money."""
    start, end = _day_bounds(day)
    # through the (organisation, created_at) index: an order is paid before it expires
    payments = PayOrder.objects.filter(
        organisation_id=organisation_id,
        sandbox=sandbox,
        created_at__gte=start - PayOrder.TTL_MAX - PayOrder.CLOCK_SLACK,
        created_at__lt=end + PayOrder.CLOCK_SLACK,
        paid_at__gte=start,
        paid_at__lt=end,
    ).order_by("paid_at", "pk")
    refunds = (
        Refund.objects.filter(
            pay_order__organisation_id=organisation_id,
            pay_order__sandbox=sandbox,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("pay_order")
        .order_by("created_at", "pk")
    )
    lines = [
        _settlement_line("payment", o, o.paid_at, o.amount, o.fee, o.prepay_id) for o in payments
    ]
    lines += [
        _settlement_line(
            "refund", r.pay_order, r.created_at, -r.amount, -r.fee_returned, r.refund_id
        )
        for r in refunds
    ]
    lines.sort(key=lambda line: line["at"])
    return {"date": day.isoformat(), "lines": lines, "totals": _settlement_totals(lines)}


def _settlement_line(kind, order, at, amount, fee, reference) -> dict:
    return {
        "type": kind,
        "reference": reference,
        "prepay_id": order.prepay_id,
        "out_trade_no": order.out_trade_no,
        "at": at.isoformat(),
        "currency": order.currency,
        "amount": amount,
        "fee": fee,
        "net": amount - fee,
    }


def _settlement_totals(lines: list[dict]) -> list[dict]:
    totals: dict[str, dict] = defaultdict(
        lambda: {"payments": 0, "refunds": 0, "gross": 0, "fees": 0, "net": 0}
    )
    for line in lines:
        total = totals[line["currency"]]
        total["payments" if line["type"] == "payment" else "refunds"] += 1
        total["gross"] += line["amount"]
        total["fees"] += line["fee"]
        total["net"] += line["net"]
    return [{"currency": currency, **totals[currency]} for currency in sorted(totals)]


@dataclass
class LedgerReport:
    """What ``ledger_verify`` found. ``ok`` only if every check is clean."""

    accounts: int = 0
    transactions: int = 0
    postings: int = 0
    balance_mismatches: list = field(default_factory=list)
    unbalanced_transactions: list = field(default_factory=list)
    short_transactions: list = field(default_factory=list)
    currency_mismatches: list = field(default_factory=list)
    mixed_world_transactions: list = field(default_factory=list)
    spending_mismatches: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (
            self.balance_mismatches
            or self.unbalanced_transactions
            or self.short_transactions
            or self.currency_mismatches
            or self.mixed_world_transactions
            or self.spending_mismatches
            or any(self.totals.values())
        )


def ledger_report() -> LedgerReport:
    """Recompute every cached balance from its postings and check every transaction balances.

    ``totals`` is the sum of all balances per (currency, sandbox): money only moves, so each is
    0 (the gateway clearing account holds minus what users and merchants hold) — the real world
    and the sandbox world separately, since no transaction may span both
    (``mixed_world_transactions`` lists any that does). ``spending_mismatches`` lists the real
    wallets whose daily spending counter (``Account.outgoing_total``) is not what their
    outgoing postings of today add up to."""
    mismatches = (
        Account.objects.annotate(posted=Coalesce(Sum("postings__amount"), 0))
        .exclude(balance=F("posted"))
        .values("pk", "kind", "currency", "balance", "posted")
    )
    unbalanced = (
        Posting.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
    )
    short = (
        JournalTransaction.objects.annotate(legs=Count("postings"))
        .filter(legs__lt=2)
        .values_list("pk", flat=True)
    )
    wrong_currency = Posting.objects.filter(~Q(currency=F("account__currency"))).values_list(
        "pk", flat=True
    )
    mixed_worlds = (
        Posting.objects.values("transaction_id")
        .annotate(worlds=Count("account__sandbox", distinct=True))
        .filter(worlds__gt=1)
        .values_list("transaction_id", flat=True)
    )
    totals = {
        (currency, sandbox): total
        for currency, sandbox, total in Account.objects.values("currency", "sandbox")
        .annotate(total=Sum("balance"))
        .values_list("currency", "sandbox", "total")
    }
    return LedgerReport(
        spending_mismatches=_spending_mismatches(),
        accounts=Account.objects.count(),
        transactions=JournalTransaction.objects.count(),
        postings=Posting.objects.count(),
        balance_mismatches=list(mismatches),
        unbalanced_transactions=list(unbalanced),
        short_transactions=list(short),
        currency_mismatches=list(wrong_currency),
        mixed_world_transactions=list(mixed_worlds),
        totals=totals,
    )


def _spending_mismatches() -> list[dict]:
    """Real wallets whose counter of today's spending differs from their outgoing postings of
    today (a counter of an earlier day counts as 0)."""
    today = timezone.now().date()
    start, _ = _day_bounds(today)
    spent = dict(
        Posting.objects.filter(
            account__kind=Kind.USER_WALLET,
            account__sandbox=False,
            amount__lt=0,
            created_at__gte=start,
            transaction__type__in=JournalTransaction.OUTGOING_TYPES,
        )
        .values("account_id")
        .annotate(total=-Sum("amount"))
        .values_list("account_id", "total")
    )
    counted = dict(
        Account.objects.filter(kind=Kind.USER_WALLET, sandbox=False, outgoing_day=today)
        .exclude(outgoing_total=0)
        .values_list("pk", "outgoing_total")
    )
    return [
        {"pk": pk, "counted": counted.get(pk, 0), "posted": spent.get(pk, 0)}
        for pk in sorted(spent.keys() | counted.keys())
        if counted.get(pk, 0) != spent.get(pk, 0)
    ]
