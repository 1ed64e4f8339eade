"""Hypothesis: any sequence of top-ups, withdrawals, transfers, payments, refunds and red packets
(create, claim, expire) leaves the ledger verifiable, every wallet equal to a simple model, and
money conserved.

Payments include a mini-program whose sandbox mode the sequence switches on and off, and orders
created at one time and paid later: each order must be settled in the world its app was in
when it was created, test money must never reach a real balance (nor real money a sandbox one),
and each world must be conserved on its own."""

import io
import itertools
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments import ledger, selectors, services
from payments.gateways import SandboxGateway
from payments.models import Account
from redpackets import services as redpackets
from redpackets.models import RedPacket
from superapp.core.errors import DomainError
from superapp.core.models import DomainEvent
from superapp.messaging import services as messaging_services
from tests.factories import UserFactory
from tests.payments.factories import PIN, merchant_app, pay_order, sandbox_set, signed_callback
from tests.superapp.social.factories import befriend

pytestmark = pytest.mark.django_db
USERS, MERCHANTS = 3, 2
STARTING_BALANCE = 5000

amounts = st.integers(min_value=1, max_value=4000)
person = st.integers(min_value=0, max_value=USERS - 1)
# The last merchant is the app whose sandbox mode the sequence switches ("switch_sandbox").
merchant = st.integers(0, MERCHANTS)
operation = st.one_of(
    st.tuples(st.just("topup"), person, amounts),
    st.tuples(st.just("withdraw"), person, amounts),
    st.tuples(st.just("transfer"), person, person, amounts),
    st.tuples(st.just("pay"), person, merchant, amounts),
    st.tuples(st.just("order"), person, merchant, amounts),
    st.tuples(st.just("confirm"), st.integers(0, 50)),
    st.tuples(st.just("switch_sandbox")),
    st.tuples(st.just("refund"), st.integers(0, 50), amounts),
    st.tuples(
        st.just("red_packet"),
        person,
        st.sampled_from(["lucky", "fixed"]),
        st.integers(1, USERS),
        amounts,
        st.lists(person, max_size=USERS),
    ),
    st.tuples(st.just("claim"), st.integers(0, 50), person),
    st.tuples(st.just("expire"), st.integers(0, 50)),
)


class World:
    """The real services on one side, a dictionary of expected wallet balances on the other."""

    def __init__(self):
        self.users = [UserFactory() for _ in range(USERS)]
        for user in self.users:
            services.pin_set(actor=user, pin=PIN)
        befriend(*self.users)
        self.group = messaging_services.group_create(
            actor=self.users[0], members=self.users[1:], title="Everyone"
        )
        self.packets = []
        self.merchants = [merchant_app(f"M{i}")[0] for i in range(MERCHANTS)]
        self.merchants.append(sandbox_set(merchant_app("Switching")[0]))
        self.sandbox_mode = True  # of the last merchant
        self.expected = defaultdict(int)
        self.expected_sandbox = defaultdict(int)
        self.money_in = 0
        self.sandbox_money_in = 0  # test money the sandbox top-ups created
        self.real_payments = 0
        self.pending_orders = []  # (order, who, sandbox) created but not paid yet
        self.paid_orders = []
        self.refund_numbers = itertools.count()
        for who in range(USERS):  # start with money, so spending steps do not all bounce
            self.topup(who, STARTING_BALANCE)

    def _gateway(self, order) -> bool:
        """Deliver the sandbox gateway's signed verdict on ``order``; True if it succeeded."""
        outcome = SandboxGateway.outcome_for(order.amount)
        body, signature = signed_callback(order, outcome)
        services.gateway_callback_receive(body=body, signature=signature)
        return outcome == "succeeded"

    def topup(self, who, amount):
        user = self.users[who]
        if self._gateway(services.topup_create(actor=user, amount=amount, currency="EUR")):
            self.expected[who] += amount
            self.money_in += amount

    def withdraw(self, who, amount):
        order = services.withdrawal_create(
            actor=self.users[who], amount=amount, currency="EUR", pin=PIN
        )
        self.expected[who] -= amount
        if self._gateway(order):
            self.money_in -= amount
        else:
            self.expected[who] += amount

    def transfer(self, sender, recipient, amount):
        services.transfer_create(
            actor=self.users[sender],
            recipient=self.users[recipient],
            amount=amount,
            currency="EUR",
            pin=PIN,
        )
        self.expected[sender] -= amount
        self.expected[recipient] += amount

    def switch_sandbox(self):
        self.sandbox_mode = not self.sandbox_mode
        sandbox_set(self.merchants[-1], self.sandbox_mode)

    def order(self, who, merchant, amount):
        """A pay order created now and paid later (``confirm``), maybe after a switch."""
        order = pay_order(self.merchants[merchant], self.users[who], amount)
        sandbox = merchant == MERCHANTS and self.sandbox_mode
        self.pending_orders.append((order, who, sandbox))

    def confirm(self, index):
        if not self.pending_orders:
            return
        order, who, sandbox = self.pending_orders[index % len(self.pending_orders)]
        try:
            services.payorder_confirm(actor=self.users[who], prepay_id=order.prepay_id, pin=PIN)
        except ledger.InsufficientFunds:
            assert not sandbox, "test money never runs short"
            raise
        self.pending_orders.remove((order, who, sandbox))
        if sandbox:  # the wallet is topped up with what it lacks, then pays
            self.sandbox_money_in += max(order.amount - self.expected_sandbox[who], 0)
            self.expected_sandbox[who] = max(self.expected_sandbox[who] - order.amount, 0)
        else:
            self.expected[who] -= order.amount
            self.real_payments += 1
        self.paid_orders.append((order, who, sandbox))

    def pay(self, who, merchant, amount):
        self.order(who, merchant, amount)
        self.confirm(len(self.pending_orders) - 1)

    def refund(self, index, amount):
        if not self.paid_orders:
            return
        order, who, sandbox = self.paid_orders[index % len(self.paid_orders)]
        services.refund_create(
            miniprogram=order.miniprogram,
            prepay_id=order.prepay_id,
            out_refund_no=f"R{next(self.refund_numbers)}",
            amount=amount,
        )
        (self.expected_sandbox if sandbox else self.expected)[who] += amount

    def red_packet(self, who, mode, count, amount, openers):
        """A member sends a red packet to the group, and ``openers`` open it straight away."""
        fixed = mode == "fixed"
        size = {"amount_each": max(amount // count, 1)} if fixed else {"total": max(amount, count)}
        packet = redpackets.red_packet_create(
            actor=self.users[who],
            conversation_id=self.group.pk,
            mode=mode,
            count=count,
            currency="EUR",
            pin=PIN,
            **size,
        )
        self.expected[who] -= packet.total
        self.packets.append((packet, who))
        for opener in openers:
            self.apply("claim", len(self.packets) - 1, opener)

    def _packet(self, index):
        return self.packets[index % len(self.packets)] if self.packets else (None, None)

    def claim(self, index, who):
        packet, _ = self._packet(index)
        if packet is not None:
            claimed = redpackets.red_packet_claim(actor=self.users[who], packet_id=packet.pk)
            self.expected[who] += claimed.amount

    def expire(self, index):
        """Time passes for one packet; the beat's expiry returns its rest to the sender."""
        packet, sender = self._packet(index)
        if packet is not None:
            RedPacket.objects.filter(pk=packet.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            )
            self.expected[sender] += redpackets.red_packet_expire(packet_id=packet.pk)

    def apply(self, name, *args):
        """Run one operation; refusals (insufficient funds, over-refund…) must change nothing
        (the model's pending orders roll back with the database)."""
        pending = list(self.pending_orders)
        try:
            with transaction.atomic():
                getattr(self, name)(*args)
        except DomainError as refused:
            self.pending_orders = pending
            assert refused.code in {
                "insufficient_funds",
                "cannot_pay_self",
                "refund_exceeds_remaining",
                "already_claimed",
                "red_packet_empty",
                "red_packet_expired",
            }, refused.code


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, max_size=20))
def test_random_money_movements_keep_the_ledger_exact_and_money_conserved(operations):
    with transaction.atomic():
        world = World()
        for name, *args in operations:
            world.apply(name, *args)

        for index, user in enumerate(world.users):
            for sandbox, expected in ((False, world.expected), (True, world.expected_sandbox)):
                balances = selectors.wallet_balances(user=user, sandbox=sandbox)
                assert {b["currency"]: b["available"] for b in balances}.get("EUR", 0) == (
                    expected[index]
                )
        report = selectors.ledger_report()
        assert report.ok, report
        call_command("ledger_verify", stdout=io.StringIO())  # raises on any mismatch
        held = Account.objects.exclude(kind=Account.Kind.GATEWAY_CLEARING)
        for sandbox, money_in in ((False, world.money_in), (True, world.sandbox_money_in)):
            assert sum(held.filter(sandbox=sandbox).values_list("balance", flat=True)) == money_in
        paid_events = DomainEvent.objects.filter(type="payments.payorder_paid").count()
        assert paid_events == world.real_payments
        transaction.set_rollback(True)
