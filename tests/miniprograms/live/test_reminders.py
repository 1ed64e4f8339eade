"""“Remind me” on an upcoming show: set once per person (a constraint), taken back, refused once
the show started, listed for the live tab, and told exactly once when the show goes live —
together with the brand's followers, in batches; exported and erased with the person."""

import pytest
from django.db import IntegrityError, transaction

from miniprograms.live import privacy
from miniprograms.live.models import Reminder
from superapp.realtime.models import UserEvent
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.live.factories import live_world
from tests.miniprograms.shop.factories import after_commit
from tests.superapp.official.factories import followers, official_account

pytestmark = pytest.mark.django_db


def remind(user, show_id):
    return consumer_client(user).put(f"/api/v1/live/shows/{show_id}/reminder")


def test_a_reminder_is_set_once_listed_and_taken_back():
    world = live_world(live=False)
    viewer = UserFactory()
    for _ in range(2):
        answer = remind(viewer, world.show.pk)
        assert answer.status_code == 200
        assert answer.json() == {"show_id": world.show.pk, "reminded": True}
    assert Reminder.objects.filter(show=world.show, user=viewer).count() == 1
    client = consumer_client(viewer)
    assert client.get("/api/v1/live/reminders").json() == {"show_ids": [world.show.pk]}
    assert consumer_client(UserFactory()).get("/api/v1/live/reminders").json() == {"show_ids": []}
    assert client.delete(f"/api/v1/live/shows/{world.show.pk}/reminder").status_code == 204
    assert client.delete(f"/api/v1/live/shows/{world.show.pk}/reminder").status_code == 204
    assert client.get("/api/v1/live/reminders").json() == {"show_ids": []}


def test_the_database_keeps_one_reminder_per_person_and_show():
    world = live_world(live=False)
    viewer = UserFactory()
    Reminder.objects.create(show=world.show, user=viewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(show=world.show, user=viewer)


def test_a_show_that_started_or_does_not_exist_refuses_a_reminder():
    world = live_world(live=True)
    assert_refused(remind(UserFactory(), world.show.pk), 422, "invalid_show_status")
    assert_refused(remind(UserFactory(), 999_999), 404, "show_not_found")
    missing = consumer_client(UserFactory()).delete("/api/v1/live/shows/999999/reminder")
    assert_refused(missing, 404, "show_not_found")


@pytest.mark.parametrize("batch", [1000, 2])
def test_going_live_tells_each_reminded_person_and_follower_once(settings, batch):
    settings.LIVE_REMINDER_BATCH = batch
    world = live_world(live=False)
    fans = followers(official_account(brand=world.brand), 4)
    strangers = [UserFactory() for _ in range(3)]
    for person in (fans[0], fans[3], *strangers):  # two fans also asked to be reminded
        assert remind(person, world.show.pk).status_code == 200
    with after_commit():
        consumer_client(world.host).post(f"/api/v1/live/shows/{world.show.pk}/start")
    told = UserEvent.objects.filter(type="live.show_started")
    assert sorted(told.values_list("user_id", flat=True)) == sorted(
        u.pk for u in (*fans, *strangers)
    )
    assert told.first().payload["show"]["id"] == world.show.pk
    # the show is live now: it is no longer listed as reminded
    assert consumer_client(strangers[0]).get("/api/v1/live/reminders").json() == {"show_ids": []}


def test_a_persons_reminders_are_exported_and_erased_with_them():
    world = live_world(live=False)
    viewer = UserFactory()
    remind(viewer, world.show.pk)
    assert [r["show_id"] for r in privacy.export(viewer)["reminders"]] == [world.show.pk]
    privacy.erase(viewer)
    assert not Reminder.objects.filter(user=viewer).exists()
