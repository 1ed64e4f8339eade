"""Asking someone who already asked you accepts their request, inside the ask's one
transaction (docs/architecture.md, "Transactions")."""

import pytest

from superapp.social import selectors, services
from superapp.social.models import ContactRequest
from tests.factories import UserFactory
from tests.helpers import one_transaction

pytestmark = pytest.mark.django_db


def test_asking_back_accepts_the_waiting_request_in_one_transaction():
    alice, bob = UserFactory(), UserFactory()
    waiting = services.contact_request_send(actor=alice, to=bob, message="hi")
    with one_transaction():
        answered = services.contact_request_send(actor=bob, to=alice)
    assert answered.pk == waiting.pk
    assert ContactRequest.objects.get(pk=waiting.pk).status == ContactRequest.Status.ACCEPTED
    assert selectors.are_contacts(alice, bob) and selectors.are_contacts(bob, alice)
