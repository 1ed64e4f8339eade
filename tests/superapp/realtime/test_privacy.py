"""The realtime event log is part of a user's export and goes with their erasure."""

import pytest
from django.db import transaction

from superapp.realtime import privacy
from superapp.realtime.models import UserEvent
from superapp.realtime.services import event_publish

pytestmark = pytest.mark.django_db


def test_events_are_exported_in_cursor_order_and_erased(user, other_user):
    with transaction.atomic():
        event_publish(user_ids=[user.pk, other_user.pk], type="note.created", payload={"n": 1})
        event_publish(user_ids=[user.pk], type="note.created", payload={"n": 2})
    exported = privacy.export(user)["events"]
    assert [(e["cursor"], e["payload"]) for e in exported] == [(1, {"n": 1}), (2, {"n": 2})]
    privacy.erase(user)
    assert not UserEvent.objects.filter(user=user).exists()
    assert UserEvent.objects.filter(user=other_user).count() == 1
