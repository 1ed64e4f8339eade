"""Factories for the social graph and Moments."""

import factory

from superapp.social.models import Block, Contact, Moment
from tests.factories import UserFactory


class MomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Moment

    author = factory.SubFactory(UserFactory)
    text = factory.Faker("sentence")


def befriend(*users) -> None:
    """Make every pair of ``users`` contacts (both directions, as accepting a request does)."""
    Contact.objects.bulk_create(
        [Contact(owner=a, contact=b) for a in users for b in users if a.pk != b.pk],
        ignore_conflicts=True,
    )


def block(blocker, blocked) -> Block:
    return Block.objects.create(blocker=blocker, blocked=blocked)
