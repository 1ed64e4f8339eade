"""The points ledger: lots with expiry, FIFO-by-expiry spending, expiry of unspent remainders
only, proportional refund reversal with debt, idempotent earning, and the verify command."""

import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty import handlers, selectors, services
from loyalty.models import LotDraw, Member, PointEntry, PointLot, Purchase
from miniprograms.shop.events import OrderPaid
from payments import services as payments_services
from tests.factories import UserFactory
from tests.helpers import register_app, run_together
from tests.loyalty.factories import (
    TIERS,
    brand_owner,
    make_brand,
    make_program,
    order_paid,
    order_refunded,
    payorder_paid,
    payorder_refunded,
)
from tests.payments.factories import PIN, fund, pay_order, sandbox_set

pytestmark = pytest.mark.django_db
_references = itertools.count(1)


@pytest.fixture
def brand():
    """A program of one tier (no multipliers) so that 1 EUR earns exactly 1 point."""
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]])
    return brand


def earn(brand, user, amount, at):
    """A purchase paid (and processed) at ``at``: its lot expires 12 months later."""
    return services.purchase_record(
        brand_id=brand.pk,
        user_id=user.pk,
        source=Purchase.Source.SHOP_ORDER,
        amount=amount,
        currency="EUR",
        paid_at=at,
        order_id=next(_references),
        now=at,
    )


def member_of(brand, user) -> Member:
    return Member.objects.get(program__brand=brand, user=user)


def assert_ledger_balanced():
    report = selectors.points_verify()
    assert report.mismatches == []
    assert report.earned == report.available + report.spent + report.expired


def test_a_paid_order_earns_points_at_the_program_rate(brand, user):
    order_paid(brand, user, 12_345)
    member = member_of(brand, user)
    assert member.points == 123
    lot = PointLot.objects.get(member=member)
    assert (lot.points, lot.remaining) == (123, 123)
    assert lot.expires_at.date().year == timezone.now().year + 1
    assert_ledger_balanced()


def test_the_same_event_delivered_twice_earns_once(brand, user):
    payload = order_paid(brand, user, 10_000)
    handlers.on_shop_order_paid(event_id=999_999, event=OrderPaid.from_payload(payload))
    assert member_of(brand, user).points == 100
    assert Purchase.objects.count() == 1


def test_pay_order_then_shop_order_of_one_purchase_earn_once(brand, user):
    payorder = payorder_paid(brand, user, 10_000)
    order_paid(brand, user, 10_000, prepay_id=payorder["prepay_id"])
    purchase = Purchase.objects.get()
    assert (purchase.source, purchase.points_awarded) == ("shop_order", 100)
    assert member_of(brand, user).points == 100


def test_pay_orders_of_other_organisations_are_ignored(brand, user):
    stranger_brand = make_brand(name="No program")
    payorder_paid(stranger_brand, user, 10_000)
    assert not Member.objects.filter(user=user).exists()


def test_test_money_of_a_brand_app_in_sandbox_mode_earns_no_points(brand, user):
    """Payments emits no ``payments.payorder_paid`` for sandbox orders, so loyalty never hears
    of them; the same app paid for real once it leaves sandbox mode earns as usual."""
    miniprogram, _ = register_app(
        owner=brand_owner(brand), organisation=brand.developer_organisation
    )
    sandbox_set(miniprogram)
    payments_services.pin_set(actor=user, pin=PIN)

    def pay():
        order = pay_order(miniprogram, user, 10_000)
        with TestCase.captureOnCommitCallbacks(execute=True):
            payments_services.payorder_confirm(actor=user, prepay_id=order.prepay_id, pin=PIN)

    pay()
    assert not Member.objects.filter(user=user).exists()
    sandbox_set(miniprogram, False)
    fund(user, 10_000)
    pay()
    assert member_of(brand, user).points == 100


def test_spending_consumes_lots_soonest_expiry_first(brand, user):
    now = timezone.now()
    middle = earn(brand, user, 10_000, now - timedelta(days=180))  # expires in ~6 months
    last = earn(brand, user, 10_000, now)  # expires in 12 months
    first = earn(brand, user, 10_000, now - timedelta(days=270))  # expires in ~3 months
    member = member_of(brand, user)
    assert member.points == 300
    services.redemption_create(actor=user, brand_id=brand.pk, points=200, now=now)
    remaining = {
        name: PointLot.objects.get(entry__purchase=p, entry__reason="purchase").remaining
        for name, p in [("first", first), ("middle", middle), ("last", last)]
    }
    assert remaining == {"first": 0, "middle": 0, "last": 100}
    draws = LotDraw.objects.filter(entry__kind="redeem").order_by("pk")
    assert [d.lot.entry.purchase_id for d in draws] == [first.pk, middle.pk]
    assert_ledger_balanced()


def test_expiry_never_takes_spent_points(brand, user):
    earned_at = timezone.now() - timedelta(days=300)
    earn(brand, user, 100_000, earned_at)  # 1000 points, expiring in ~2 months
    services.redemption_create(actor=user, brand_id=brand.pk, points=600)
    assert services.points_expire(now=timezone.now() + timedelta(days=90)) == 400
    member = member_of(brand, user)
    assert member.points == 0
    expiry = PointEntry.objects.get(member=member, kind="expire")
    assert expiry.points == 400
    assert PointEntry.objects.get(member=member, kind="redeem").points == 600
    assert services.points_expire(now=timezone.now() + timedelta(days=91)) == 0
    assert_ledger_balanced()


def test_lots_not_yet_due_survive_the_expiry_run(brand, user):
    now = timezone.now()
    earn(brand, user, 10_000, now - timedelta(days=400))
    earn(brand, user, 20_000, now - timedelta(days=10))
    assert services.points_expire(now=now) == 100
    assert member_of(brand, user).points == 200
    assert_ledger_balanced()


def test_expiry_runs_in_batches_over_many_members(brand):
    shoppers = [UserFactory() for _ in range(5)]
    for shopper in shoppers:
        earn(brand, shopper, 10_000, timezone.now() - timedelta(days=400))
        earn(brand, shopper, 10_000, timezone.now())
    assert services.points_expire(batch_size=2) == 5 * 100
    assert set(Member.objects.values_list("points", flat=True)) == {100}
    assert_ledger_balanced()


def test_points_past_their_date_cannot_be_spent_before_the_nightly_run(brand, user, api):
    earn(brand, user, 50_000, timezone.now() - timedelta(days=400))
    assert member_of(brand, user).points == 500
    response = api.post(f"/api/v1/loyalty/brands/{brand.pk}/redemptions", {"points": 100})
    assert response.status_code == 422
    assert response.json()["code"] == "insufficient_points"
    assert response.json()["available"] == 0
    assert_ledger_balanced()


def test_refund_reverses_points_in_proportion(brand, user):
    order = order_paid(brand, user, 20_000)
    order_refunded(brand, order, 5_000)
    member = member_of(brand, user)
    assert member.points == 150
    reversal = PointEntry.objects.get(member=member, kind="reverse")
    assert (reversal.points, reversal.debt_change) == (50, 0)
    assert_ledger_balanced()


def test_refund_of_spent_points_records_a_debt_the_next_earning_pays_first(brand, user):
    order = order_paid(brand, user, 50_000)  # 500 points
    services.redemption_create(actor=user, brand_id=brand.pk, points=400)
    order_refunded(brand, order, 50_000)  # claws back 500, only 100 left
    member = member_of(brand, user)
    assert (member.points, member.debt) == (0, 400)
    order_paid(brand, user, 30_000)  # earns 300: all of it pays the debt
    member.refresh_from_db()
    assert (member.points, member.debt) == (0, 100)
    order_paid(brand, user, 30_000)  # earns 300: 100 pays the rest, 200 become points
    member.refresh_from_db()
    assert (member.points, member.debt) == (200, 0)
    assert_ledger_balanced()


def test_one_refund_seen_by_payments_and_by_shop_reverses_once(brand, user):
    payorder = payorder_paid(brand, user, 10_000)
    order = order_paid(brand, user, 10_000, prepay_id=payorder["prepay_id"])
    payorder_refunded(brand, payorder, 4_000, refunded_total=4_000)
    order_refunded(brand, order, 4_000)
    assert member_of(brand, user).points == 60
    payorder_refunded(brand, payorder, 6_000, refunded_total=10_000)
    order_refunded(brand, order, 6_000)
    member = member_of(brand, user)
    assert member.points == 0
    assert member.debt == 0
    assert_ledger_balanced()


def test_points_verify_command_reports_and_fails_on_tampering(brand, user, capsys):
    order_paid(brand, user, 10_000)
    call_command("points_verify")
    assert "members=1" in capsys.readouterr().out
    PointLot.objects.filter(member__user=user).update(remaining=1)
    with pytest.raises(CommandError, match="mismatches"):
        call_command("points_verify")


def test_points_verify_reports_a_debt_the_ledger_does_not_explain(brand, user, capsys):
    """The member's cached debt must equal the debts the ledger recorded minus those repaid."""
    paid = order_paid(brand, user, 10_000)
    services.redemption_create(actor=user, brand_id=brand.pk, points=100)
    order_refunded(brand, paid, 10_000)  # 100 points to take back, all spent: a debt of 100
    call_command("points_verify")
    assert "debt=100\npoints ledger balanced" in capsys.readouterr().out
    member = Member.objects.get(user=user)
    Member.objects.filter(pk=member.pk).update(debt=1)
    with pytest.raises(CommandError, match="1 mismatches"):
        call_command("points_verify")
    assert f"'member_id': {member.pk}, 'debt': 1, 'ledger': 100" in capsys.readouterr().err


operations = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(min_value=100, max_value=100_000)),
        st.tuples(st.just("redeem"), st.integers(min_value=1, max_value=50)),
        st.tuples(st.just("refund"), st.integers(min_value=1, max_value=100)),
        st.tuples(st.just("age"), st.integers(min_value=1, max_value=400)),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_every_history_keeps_earned_equal_available_plus_spent_plus_expired(brand, ops):
    """Any interleaving of earnings, redemptions, partial refunds and time passing (with the
    nightly expiry) leaves the ledger balanced and no balance negative."""
    user, clock, purchases = UserFactory(), timezone.now() - timedelta(days=900), []
    for op, value in ops:
        if op == "earn":
            purchases.append(earn(brand, user, value, clock))
        elif op == "redeem" and Member.objects.filter(user=user).exists():
            member = member_of(brand, user)
            if member.points >= value * 100:
                services.redemption_create(
                    actor=user, brand_id=brand.pk, points=value * 100, now=clock
                )
                assert member_of(brand, user).points == member.points - value * 100
        elif op == "refund" and purchases:
            purchase = purchases[value % len(purchases)]
            purchase.refresh_from_db()
            services.purchase_refund(
                event_id=next(_references) + 10**9,
                brand_id=brand.pk,
                source="shop_order",
                amount=min(purchase.amount, purchase.amount * value // 100 + 1),
                order_id=purchase.order_id,
                now=clock,
            )
        elif op == "age":
            clock += timedelta(days=value)
            services.points_expire(now=clock)
        member = Member.objects.filter(user=user).first()
        # A refund takes back spent points as debt only once nothing is left to take them from,
        # and later earnings pay the debt first: never both at once.
        assert member is None or member.debt == 0 or member.points == 0
        assert_ledger_balanced()  # after every step, not only at the end


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_racing_pay_order_and_shop_order_events_of_one_purchase_earn_once():
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]])
    user = UserFactory()
    common = {"brand_id": brand.pk, "user_id": user.pk, "amount": 10_000, "currency": "EUR"}

    def record(source, **keys):
        return lambda: services.purchase_record(
            **common, source=source, paid_at=timezone.now(), **keys
        )

    outcomes = run_together(
        [
            record("pay_order", prepay_id="wx-race"),
            record("shop_order", prepay_id="wx-race", order_id=77),
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    purchase = Purchase.objects.get()
    assert (purchase.source, purchase.order_id, purchase.points_awarded) == ("shop_order", 77, 100)
    assert Member.objects.get(user=user).points == 100
    assert_ledger_balanced()


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_a_referrer_buying_while_two_friends_make_their_first_purchases_gets_every_reward():
    """The friends' first purchases lock the referrer's row with their own (in id order, in
    the statement that reads the member); the referrer's own purchase locks it alone. At once,
    none waits for ever and none is lost."""
    brand = make_brand()
    make_program(brand, tiers=[TIERS[0]], signup_points=5, referrer_points=200, referred_points=100)
    referrer_user, friends = UserFactory(), [UserFactory(), UserFactory()]
    referrer = services.membership_join(actor=referrer_user, brand_id=brand.pk)
    for friend in friends:
        services.membership_join(
            actor=friend, brand_id=brand.pk, referral_code=referrer.member_number
        )

    def buy(user, order_id):
        return lambda: services.purchase_record(
            brand_id=brand.pk,
            user_id=user.pk,
            source="shop_order",
            amount=10_000,
            currency="EUR",
            paid_at=timezone.now(),
            order_id=order_id,
        )

    outcomes = run_together([buy(referrer_user, 1), buy(friends[0], 2), buy(friends[1], 3)])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Member.objects.get(user=referrer_user).points == 100 + 5 + 2 * 200
    assert [Member.objects.get(user=f).points for f in friends] == [100 + 5 + 100] * 2
    assert_ledger_balanced()


def test_points_follow_what_was_paid_after_the_coupon_and_a_refund_takes_back_its_share(brand):
    """36.00 EUR of lines, 10% coupon, 32.40 EUR paid: 32 points, not 36. A refund of half of
    what was paid takes back half of them."""
    buyer = UserFactory()
    line = {"product_id": 1, "sku_id": 1, "collection_ids": [], "quantity": 2, "amount": 3600}
    order = order_paid(brand, buyer, 3240, lines=[line])
    assert member_of(brand, buyer).points == 32

    order_refunded(brand, order, 1620)
    assert member_of(brand, buyer).points == 16
