"""The demo world seeds contacts, chats and a Moment, and seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from superapp.messaging.models import Conversation, Message
from superapp.social.models import Contact, Moment

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Contact.objects.count(), Moment.objects.count(), Conversation.objects.count())
    messages = Message.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (4, 1, 2)
    assert (Contact.objects.count(), Moment.objects.count(), Conversation.objects.count()) == counts
    assert Message.objects.count() == messages
