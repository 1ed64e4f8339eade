"""The per-user event log: gap-free cursors, sync in order exactly once, pushes after commit."""

import threading

import pytest
from django.db import connection, transaction

from superapp.realtime.models import UserEvent
from superapp.realtime.services import event_copies_replace, event_publish
from tests.factories import UserFactory


def publish(users, n=1, type="test.event"):
    for i in range(n):
        with transaction.atomic():
            event_publish(user_ids=[u.pk for u in users], type=type, payload={"n": i})


@pytest.mark.django_db
def test_each_user_gets_consecutive_cursors():
    alice, bob = UserFactory(), UserFactory()
    publish([alice], n=2)
    publish([alice, bob], n=1)

    def cursors(user):  # in the order the events were stored
        return list(
            UserEvent.objects.filter(user=user).order_by("id").values_list("cursor", flat=True)
        )

    assert cursors(alice) == [1, 2, 3]
    assert cursors(bob) == [1]


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_publishing_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        event_publish(user_ids=[UserFactory().pk], type="x", payload={})


@pytest.mark.django_db
def test_sync_pages_through_everything_in_order_exactly_once(api):
    publish([api.user], n=7)
    seen, cursor = [], 0
    while True:
        body = api.get("/api/v1/sync", {"cursor": cursor, "limit": 3}).json()
        seen += [event["n"] for event in body["events"]]
        assert [e["cursor"] for e in body["events"]] == list(
            range(cursor + 1, cursor + 1 + len(body["events"]))
        )
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert seen == list(range(7))
    assert api.get("/api/v1/sync", {"cursor": cursor}).json() == {
        "events": [],
        "cursor": cursor,
        "has_more": False,
    }


@pytest.mark.django_db
def test_sync_shows_only_the_callers_events(api, other_user):
    publish([other_user], n=3)
    assert api.get("/api/v1/sync").json()["events"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["-1", "abc", "1.5"])
def test_sync_rejects_a_bad_cursor(api, cursor):
    response = api.get("/api/v1/sync", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["fields"]


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_never_skip_or_repeat_a_cursor():
    shared = UserFactory()
    others = UserFactory.create_batch(4)
    errors = []

    def worker(other):
        try:
            publish([shared, other], n=10)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(o,)) for o in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cursors = list(UserEvent.objects.filter(user=shared).values_list("cursor", flat=True))
    assert sorted(cursors) == list(range(1, 41))


@pytest.mark.django_db
def test_replacing_a_subjects_copies_rewrites_them_in_place_and_nothing_else():
    alice, bob = UserFactory(), UserFactory()
    with transaction.atomic():
        event_publish(user_ids=[alice.pk, bob.pk], type="t", payload={"v": 1}, subject="thing:1")
        event_publish(user_ids=[alice.pk], type="t", payload={"v": 1}, subject="thing:2")
        event_publish(user_ids=[alice.pk], type="t", payload={"v": 1})

    assert event_copies_replace(subject="thing:1", payload={"v": 2}) == 2

    def log(user):
        return list(
            UserEvent.objects.filter(user=user).order_by("cursor").values_list("cursor", "payload")
        )

    assert log(alice) == [(1, {"v": 2}), (2, {"v": 1}), (3, {"v": 1})]
    assert log(bob) == [(1, {"v": 2})]
