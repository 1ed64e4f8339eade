"""The outbox doorbell (superapp/core/wakeup.py): one drain per burst of commits, never a
commit left waiting for the beat sweep, and a cache outage only costs extra drains."""

import pytest
from django.db import transaction

from superapp.core import wakeup
from tests.superapp.core.test_ratelimit_outage import UNREACHABLE_CACHE


class Drain:
    """A stand-in drain task: counts how often it is sent."""

    name = "test.drain"

    def __init__(self):
        self.sent = 0

    def delay(self):
        self.sent += 1


def test_a_burst_of_rings_sends_one_drain_until_the_drain_answers():
    drain = Drain()
    for _ in range(5):
        wakeup.ring(drain)
    assert drain.sent == 1
    wakeup.answer(drain)  # the drain starts: it reads the outbox after this
    wakeup.ring(drain)
    wakeup.ring(drain)
    assert drain.sent == 2


def test_each_drain_has_its_own_flag():
    first, second = Drain(), Drain()
    second.name = "test.other-drain"
    wakeup.ring(first)
    wakeup.ring(second)
    assert (first.sent, second.sent) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_the_ring_waits_for_the_commit_and_a_rollback_rings_nothing():
    drain = Drain()
    with transaction.atomic():
        wakeup.ring_after_commit(drain)
        assert drain.sent == 0
    assert drain.sent == 1
    wakeup.answer(drain)
    with pytest.raises(RuntimeError), transaction.atomic():
        wakeup.ring_after_commit(drain)
        raise RuntimeError("the change failed")
    assert drain.sent == 1


@pytest.mark.django_db(transaction=True)
def test_a_transaction_rings_all_its_drains_together_once_it_commits(monkeypatch):
    first, second = Drain(), Drain()
    second.name = "test.other-drain"
    rings = []
    monkeypatch.setattr(wakeup, "ring", lambda *tasks: rings.append(tasks))
    with transaction.atomic():
        for drain in (first, second, first):
            wakeup.ring_after_commit(drain)
        assert rings == []
    assert rings == [(first, second)]


@pytest.mark.django_db(transaction=True)
def test_a_drain_noted_by_a_rolled_back_transaction_is_not_rung_by_the_next():
    drain, other = Drain(), Drain()
    other.name = "test.other-drain"
    with pytest.raises(RuntimeError), transaction.atomic():
        wakeup.ring_after_commit(drain)
        raise RuntimeError("the change failed")
    with transaction.atomic():
        wakeup.ring_after_commit(other)
    assert (drain.sent, other.sent) == (0, 1)


@pytest.mark.django_db
def test_rings_captured_in_steps_each_ring_their_step(django_capture_on_commit_callbacks):
    """As the tests run callbacks (inside one transaction that never commits): a drain noted
    before a step and again in it is rung by that step's callbacks."""
    drain = Drain()
    wakeup.ring_after_commit(drain)  # its callback is never run
    with django_capture_on_commit_callbacks(execute=True):
        wakeup.ring_after_commit(drain)
    assert drain.sent == 1
    wakeup.answer(drain)
    with django_capture_on_commit_callbacks(execute=True):
        wakeup.ring_after_commit(drain)
    assert drain.sent == 2


@pytest.mark.django_db(transaction=True)
def test_a_ring_after_a_rolled_back_savepoint_still_rings():
    drain = Drain()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            wakeup.ring_after_commit(drain)  # its callback goes with the savepoint
            raise RuntimeError("the nested change failed")
        wakeup.ring_after_commit(drain)
    assert drain.sent == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_ring_is_immediate():
    drain = Drain()
    wakeup.ring_after_commit(drain)
    assert drain.sent == 1


def test_with_the_cache_down_every_ring_sends_a_drain(settings, caplog):
    settings.CACHES = UNREACHABLE_CACHE
    drain = Drain()
    wakeup.ring(drain)
    wakeup.ring(drain)
    wakeup.answer(drain)
    assert drain.sent == 2
    assert "wake-up flag unavailable" in caplog.text
