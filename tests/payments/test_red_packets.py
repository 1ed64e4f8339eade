"""Red packets: escrowed money in a chat, claimed once per member, returned when it expires."""

import random
from collections import Counter
from datetime import timedelta
from itertools import combinations

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from payments import selectors, services, splits, tasks
from payments.models import Account, JournalTransaction, RedPacket, RedPacketClaim
from superapp.messaging import services as messaging_services
from superapp.messaging.models import Conversation, Message
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, consumer_client, run_together
from tests.payments.factories import PIN, payer, red_packet, red_packet_group
from tests.payments.test_concurrency import outcome
from tests.superapp.messaging.factories import direct_chat, group_chat
from tests.superapp.social.factories import befriend, block

pytestmark = pytest.mark.django_db

RED_PACKETS = "/api/v1/red-packets"


def balance(user, currency="EUR") -> int:
    rows = {b["currency"]: b["available"] for b in selectors.wallet_balances(user=user)}
    return rows.get(currency, 0)


def escrow_total(currency="EUR") -> int:
    accounts = Account.objects.filter(kind=Account.Kind.RED_PACKET_ESCROW, currency=currency)
    return sum(accounts.values_list("balance", flat=True))


def claim(user, packet):
    return consumer_client(user).post(f"{RED_PACKETS}/{packet.pk}/claim")


def chat_lines(conversation) -> list[tuple[str, str]]:
    messages = Message.objects.filter(conversation=conversation).order_by("seq")
    return [(m.type, m.text) for m in messages]


def create_body(conversation, **overrides) -> dict:
    body = {
        "conversation": conversation.pk,
        "mode": "fixed",
        "amount_each": 300,
        "count": 2,
        "currency": "EUR",
        "pin": PIN,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


# --- creating ---------------------------------------------------------------------------------


def test_a_fixed_packet_moves_its_total_into_escrow_and_posts_a_card_in_the_chat():
    group, alice, _ = red_packet_group(members=3, balance=5000)
    response = consumer_client(alice).post(
        RED_PACKETS, create_body(group, greeting="Happy new year"), format="json"
    )
    assert response.status_code == 201, response.json()
    packet = response.json()
    assert (packet["mode"], packet["total"], packet["count"], packet["status"]) == (
        "fixed",
        600,
        2,
        "active",
    )
    assert (balance(alice), escrow_total()) == (4400, 600)
    card = Message.objects.get(conversation=group, type="red_packet")
    assert card.sender == alice
    assert card.payload == {"red_packet_id": packet["id"], "greeting": "Happy new year"}
    hold = JournalTransaction.objects.get(type="red_packet_hold")
    assert hold.reference == f"redpacket:{packet['id']}"
    assert selectors.ledger_report().ok


def test_a_lucky_packet_holds_the_total_and_its_shares_are_positive_and_add_up():
    group, alice, _ = red_packet_group(members=4)
    response = consumer_client(alice).post(
        RED_PACKETS,
        create_body(group, mode="lucky", total=1000, amount_each=None, count=4),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["amount_each"] is None
    packet = RedPacket.objects.get()
    assert len(packet.shares) == 4
    assert min(packet.shares) >= 1
    assert sum(packet.shares) == 1000 == escrow_total()


def test_the_same_idempotency_key_creates_one_packet_and_holds_the_money_once():
    group, alice, _ = red_packet_group(balance=5000)
    client = consumer_client(alice)
    first = client.post(RED_PACKETS, create_body(group), format="json", HTTP_IDEMPOTENCY_KEY="rp")
    again = client.post(RED_PACKETS, create_body(group), format="json", HTTP_IDEMPOTENCY_KEY="rp")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert RedPacket.objects.count() == 1
    assert balance(alice) == 5000 - 600
    assert Message.objects.filter(type="red_packet").count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount_each": 10_001}, 422, "red_packet_total_exceeded"),  # 2 x 100.01 > 200.00
        ({"mode": "lucky", "amount_each": None, "total": 20_001}, 422, "red_packet_total_exceeded"),
        ({"count": 5}, 422, "red_packet_count_exceeded"),  # the group has 4 members
        ({"mode": "random"}, 400, "validation_error"),
        ({"amount_each": 0}, 400, "validation_error"),
        ({"amount_each": None}, 400, "validation_error"),  # fixed needs amount_each
        ({"total": 600}, 400, "validation_error"),  # ... and no total
        ({"mode": "lucky", "amount_each": None, "total": 3, "count": 4}, 400, "validation_error"),
        ({"mode": "lucky"}, 400, "validation_error"),  # lucky needs total, not amount_each
        ({"count": 0}, 400, "validation_error"),
        ({"greeting": "x" * 101}, 400, "validation_error"),
        ({"currency": "XXX"}, 400, "validation_error"),
        ({"pin": "000000"}, 422, "invalid_pin"),
        ({"pin": "12"}, 400, "validation_error"),
        ({"amount_each": 5000}, 422, "insufficient_funds"),  # 2 x 50.00 > 80.00 in the wallet
    ],
)
def test_refused_packets_have_a_code_and_write_nothing(change, status, code):
    group, alice, _ = red_packet_group(members=3, balance=8000)
    seq_before = Conversation.objects.get(pk=group.pk).last_seq
    response = consumer_client(alice).post(RED_PACKETS, create_body(group, **change), format="json")
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert not RedPacket.objects.exists()
    assert balance(alice) == 8000
    assert escrow_total() == 0
    assert Conversation.objects.get(pk=group.pk).last_seq == seq_before
    assert selectors.ledger_report().ok


def test_limits_are_settings(settings):
    settings.RED_PACKET_MAX_TOTAL = {"EUR": 500}
    settings.RED_PACKET_MAX_COUNT = 2
    group, alice, _ = red_packet_group(members=5)
    client = consumer_client(alice)
    too_big = client.post(RED_PACKETS, create_body(group, amount_each=251), format="json")
    assert (too_big.json()["code"], too_big.json()["max_total"]) == (
        "red_packet_total_exceeded",
        500,
    )
    too_many = client.post(RED_PACKETS, create_body(group, amount_each=1, count=3), format="json")
    assert (too_many.json()["code"], too_many.json()["max_count"]) == (
        "red_packet_count_exceeded",
        2,
    )
    no_limit = client.post(RED_PACKETS, create_body(group, currency="USD"), format="json")
    assert no_limit.json()["fields"]["currency"]
    at_limit = client.post(RED_PACKETS, create_body(group, amount_each=250), format="json")
    assert at_limit.status_code == 201


def test_the_count_limit_follows_the_group_as_it_grows():
    group, alice, _ = group_chat(owner=payer(5000), members=1)
    client = consumer_client(alice)
    refused = client.post(RED_PACKETS, create_body(group, count=3), format="json")
    assert (refused.json()["code"], refused.json()["max_count"]) == ("red_packet_count_exceeded", 2)
    newcomer = UserFactory()
    befriend(alice, newcomer)
    messaging_services.group_members_add(actor=alice, conversation_id=group.pk, users=[newcomer])
    assert client.post(RED_PACKETS, create_body(group, count=3), format="json").status_code == 201


def test_no_packets_in_the_read_only_service_conversation(user):
    messaging_services.service_notification_send(
        user=user, source="shop", title="Shipped", body="", data={}
    )
    services.pin_set(actor=user, pin=PIN)
    service_chat = Conversation.objects.get(kind="service")
    response = consumer_client(user).post(
        RED_PACKETS, create_body(service_chat, count=1), format="json"
    )
    assert (response.status_code, response.json()["code"]) == (422, "red_packet_not_allowed")


def test_a_direct_chat_takes_a_packet_of_one_share_for_the_peer():
    chat, alice, bob = direct_chat(payer(5000))
    client = consumer_client(alice)
    two = client.post(RED_PACKETS, create_body(chat, count=2), format="json")
    assert (two.json()["code"], two.json()["max_count"]) == ("red_packet_count_exceeded", 1)
    packet = client.post(RED_PACKETS, create_body(chat, count=1), format="json").json()
    own = client.post(f"{RED_PACKETS}/{packet['id']}/claim")
    assert (own.status_code, own.json()["code"]) == (422, "own_red_packet")
    opened = consumer_client(bob).post(f"{RED_PACKETS}/{packet['id']}/claim")
    assert (opened.status_code, opened.json()["amount"]) == (200, 300)
    assert balance(bob) == 300


def test_no_packet_into_a_direct_chat_across_a_block():
    chat, alice, bob = direct_chat(payer(5000))
    block(bob, alice)
    response = consumer_client(alice).post(RED_PACKETS, create_body(chat, count=1), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "blocked")
    assert balance(alice) == 5000


def test_non_members_cannot_create_see_or_claim_a_packet():
    group, alice, _ = red_packet_group()
    outsider = payer(5000)
    stranger = consumer_client(outsider)
    created = stranger.post(RED_PACKETS, create_body(group), format="json")
    assert (created.status_code, created.json()["code"]) == (404, "conversation_not_found")
    packet = red_packet(alice, group)
    seen = stranger.get(f"{RED_PACKETS}/{packet.pk}")
    assert (seen.status_code, seen.json()["code"]) == (404, "red_packet_not_found")
    claimed = claim(outsider, packet)
    assert (claimed.status_code, claimed.json()["code"]) == (404, "red_packet_not_found")
    assert stranger.get(f"{RED_PACKETS}/999999").status_code == 404
    assert balance(outsider) == 5000


# --- claiming ---------------------------------------------------------------------------------


def test_members_claim_their_shares_and_the_chat_shows_who_opened_it():
    group, alice, (bob, carol, dave) = red_packet_group(members=3)
    alice.display_name, bob.display_name, carol.display_name = "Alice", "Bob", "Carol"
    for person in (alice, bob, carol):
        person.save(update_fields=["display_name"])
    packet = red_packet(alice, group, amount_each=250, count=2)

    first = claim(bob, packet)
    assert first.status_code == 200
    assert (first.json()["amount"], first.json()["currency"]) == (250, "EUR")
    assert claim(carol, packet).json()["amount"] == 250
    assert (balance(bob), balance(carol)) == (250, 250)

    assert chat_lines(group)[-4:] == [
        ("red_packet", "[Red packet] Best wishes!"),
        ("system", "Bob opened Alice's red packet"),
        ("system", "Carol opened Alice's red packet"),
        ("system", "All 2 red packets were claimed"),
    ]
    late = claim(dave, packet)
    assert (late.status_code, late.json()["code"]) == (422, "red_packet_empty")
    packet.refresh_from_db()
    assert (packet.status, packet.claimed_count, packet.claimed_amount) == ("finished", 2, 500)
    assert escrow_total() == 0
    assert selectors.ledger_report().ok


def test_the_sender_is_told_of_each_claim_in_realtime():
    group, alice, (bob, _) = red_packet_group(members=2)
    packet = red_packet(alice, group)
    claim(bob, packet)
    event = UserEvent.objects.get(user=alice, type="red_packet.claimed")
    assert event.payload["red_packet_id"] == packet.pk
    assert (event.payload["user"]["username"], event.payload["amount"]) == (bob.username, 100)
    assert (event.payload["claimed_count"], event.payload["count"]) == (1, 2)
    assert UserEvent.objects.filter(user=bob, type="wallet.changed").exists()


def test_the_sender_may_open_their_own_packet_in_a_group():
    group, alice, _ = red_packet_group(balance=1000)
    packet = red_packet(alice, group)
    response = claim(alice, packet)
    assert (response.status_code, response.json()["amount"]) == (200, 100)
    assert balance(alice) == 1000 - 200 + 100
    assert chat_lines(group)[-1][1].endswith("opened their own red packet")


def test_a_member_claims_a_packet_only_once():
    group, alice, (bob, _) = red_packet_group()
    packet = red_packet(alice, group)
    assert claim(bob, packet).status_code == 200
    again = claim(bob, packet)
    assert (again.status_code, again.json()["code"], again.json()["amount"]) == (
        409,
        "already_claimed",
        100,
    )
    assert balance(bob) == 100
    assert RedPacketClaim.objects.count() == 1


def test_a_claim_retried_with_its_idempotency_key_replays_the_first_answer():
    group, alice, (bob, _) = red_packet_group()
    packet = red_packet(alice, group)
    client = consumer_client(bob)
    url = f"{RED_PACKETS}/{packet.pk}/claim"
    first = client.post(url, HTTP_IDEMPOTENCY_KEY="open-1")
    again = client.post(url, HTTP_IDEMPOTENCY_KEY="open-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert balance(bob) == 100


def test_a_lucky_packet_fully_claimed_pays_out_exactly_its_total():
    group, alice, members = red_packet_group(members=5)
    packet = red_packet(alice, group, mode="lucky", amount_each=None, total=777, count=5)
    amounts = [claim(member, packet).json()["amount"] for member in members]
    assert min(amounts) >= 1
    assert sum(amounts) == 777
    assert amounts == packet.shares
    assert sum(balance(member) for member in members) == 777
    assert selectors.ledger_report().ok


def test_the_detail_lists_who_got_what_for_members_without_n_plus_one():
    group, alice, members = red_packet_group(members=8)
    packet = red_packet(alice, group, amount_each=10, count=8)
    claimers = iter(members)
    viewer = consumer_client(alice)

    def build(count):
        for _ in range(count):
            services.red_packet_claim(actor=next(claimers), packet_id=packet.pk)

    assert_queries_constant(build, lambda: viewer.get(f"{RED_PACKETS}/{packet.pk}"))
    detail = consumer_client(members[0]).get(f"{RED_PACKETS}/{packet.pk}").json()
    assert detail["my_amount"] == 10
    assert [(c["user"]["username"], c["amount"]) for c in detail["claims"]] == [
        (member.username, 10) for member in members
    ]
    assert (detail["claimed_count"], detail["claimed_amount"]) == (8, 80)
    assert "shares" not in detail
    assert viewer.get(f"{RED_PACKETS}/{packet.pk}").json()["my_amount"] is None


# --- expiry -----------------------------------------------------------------------------------


def expire(packet) -> None:
    RedPacket.objects.filter(pk=packet.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_an_expired_packet_cannot_be_claimed():
    group, alice, (bob, _) = red_packet_group()
    packet = red_packet(alice, group)
    expire(packet)
    response = claim(bob, packet)
    assert (response.status_code, response.json()["code"]) == (422, "red_packet_expired")
    assert balance(bob) == 0


def test_the_expiry_task_returns_the_unclaimed_rest_to_the_sender_exactly_once():
    group, alice, (bob, carol) = red_packet_group(balance=10_000)
    packet = red_packet(alice, group, mode="lucky", amount_each=None, total=900, count=3)
    bob_got = claim(bob, packet).json()["amount"]
    fresh = red_packet(alice, group)  # not due: untouched
    expire(packet)

    assert tasks.expire_red_packets.delay().get() == 1
    assert tasks.expire_red_packets.delay().get() == 0
    assert services.red_packet_expire(packet_id=packet.pk) == 0

    packet.refresh_from_db()
    assert (packet.status, packet.refunded_amount) == ("expired", 900 - bob_got)
    assert balance(alice) == 10_000 - 900 - 200 + (900 - bob_got)
    assert JournalTransaction.objects.filter(type="red_packet_return").count() == 1
    assert escrow_total() == 200  # only the fresh packet is still held
    assert RedPacket.objects.get(pk=fresh.pk).status == "active"
    assert claim(carol, packet).json()["code"] == "red_packet_expired"
    assert selectors.ledger_report().ok


def test_a_fully_claimed_packet_has_nothing_to_return():
    group, alice, (bob, carol) = red_packet_group()
    packet = red_packet(alice, group)
    claim(bob, packet), claim(carol, packet)
    expire(packet)
    assert services.red_packet_expire(packet_id=packet.pk) == 0
    assert not JournalTransaction.objects.filter(type="red_packet_return").exists()
    assert claim(alice, packet).json()["code"] == "red_packet_empty"  # empty, not expired


def test_the_expiry_task_runs_on_beat():
    assert (60.0, tasks.expire_red_packets) in tasks.PERIODIC_TASKS


# --- concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_exceed_the_count_or_the_total():
    """N + 3 members race for a packet of N shares: N win, 3 find it empty, nothing more moves."""
    shares = 5
    group, alice, members = red_packet_group(members=shares + 3)
    packet = red_packet(alice, group, mode="lucky", amount_each=None, total=1234, count=shares)
    results = run_together(
        [
            lambda m=m: services.red_packet_claim(actor=m, packet_id=packet.pk).amount
            for m in members
        ]
    )
    assert Counter(outcome(r) for r in results) == Counter({"int": shares, "red_packet_empty": 3})
    assert sum(r for r in results if isinstance(r, int)) == 1234
    assert sum(balance(member) for member in members) == 1234
    packet.refresh_from_db()
    assert (packet.claimed_count, packet.claimed_amount, packet.status) == (
        shares,
        1234,
        "finished",
    )
    assert escrow_total() == 0
    assert selectors.ledger_report().ok


# --- the split ----------------------------------------------------------------------------------


@given(
    total=st.integers(min_value=1, max_value=1_000_000),
    count=st.integers(min_value=1, max_value=500),
)
def test_a_lucky_split_gives_every_share_at_least_one_unit_and_adds_up(total, count):
    if count > total:
        with pytest.raises(ValueError):
            splits.lucky_split(total, count)
        return
    shares = splits.lucky_split(total, count)
    assert len(shares) == count
    assert min(shares) >= 1
    assert sum(shares) == total


def test_every_way_to_split_is_equally_likely():
    """5 into 3 positive parts can be done 6 ways; 6 000 draws (seeded) fit the uniform
    distribution (Pearson's chi-square below 20.5, the 0.1 % critical value for 5 d.o.f.)."""
    rng = random.Random(20261122)
    draws = Counter(tuple(splits.lucky_split(5, 3, rng)) for _ in range(6000))
    compositions = {(a - 0, b - a, 5 - b) for a, b in combinations(range(1, 5), 2)}
    assert set(draws) == compositions
    expected = 6000 / len(compositions)
    chi_square = sum((draws[c] - expected) ** 2 / expected for c in compositions)
    assert chi_square < 20.5


def test_the_order_of_claiming_does_not_change_what_you_can_expect():
    """Each position (first claimer, second, ...) averages total / count within 4 standard
    errors, and positions are as spread as each other (no 'last one gets the rest' bias)."""
    rng = random.Random(7)
    total, count, samples = 10_000, 8, 4000
    draws = [splits.lucky_split(total, count, rng) for _ in range(samples)]
    by_position = [[draw[position] for draw in draws] for position in range(count)]
    fair = total / count
    for amounts in by_position:
        mean = sum(amounts) / samples
        spread = (sum((a - mean) ** 2 for a in amounts) / samples) ** 0.5
        assert abs(mean - fair) < 4 * spread / samples**0.5
    spreads = [max(amounts) - min(amounts) for amounts in by_position]
    assert max(spreads) < 1.5 * min(spreads)
