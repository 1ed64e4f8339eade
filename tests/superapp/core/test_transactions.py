"""The one transaction rule (docs/architecture.md, "Transactions"): what ``one_transaction``
refuses, and rows created without a savepoint."""

import pytest
from django.db import transaction
from django.utils import timezone

from miniprograms.models import AppIdentity, ConsentGrant
from superapp.core import sql
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.miniprograms.factories import released_app

pytestmark = pytest.mark.django_db


def test_a_nested_call_that_takes_a_savepoint_breaks_the_rule():
    broken = pytest.raises(AssertionError, match="SAVEPOINT")
    with broken, one_transaction(), transaction.atomic(), transaction.atomic():
        UserFactory()


def test_work_outside_one_transaction_breaks_the_rule():
    with pytest.raises(AssertionError), one_transaction():
        UserFactory()  # no atomic block around it: each statement on its own


def test_a_nested_block_without_a_savepoint_keeps_the_rule():
    with one_transaction() as statements, transaction.atomic(), transaction.atomic(savepoint=False):
        UserFactory()
    assert statements and not [s for s in statements if "SAVEPOINT" in s]


def test_get_or_insert_creates_once_and_takes_no_savepoint():
    app, _, _ = released_app()
    user = UserFactory()
    lookup = {"miniprogram": app, "user": user}
    with one_transaction() as statements, transaction.atomic():
        first, created = sql.get_or_insert(AppIdentity, lookup, openid="o_first")
    again, created_again = sql.get_or_insert(AppIdentity, lookup, openid="o_second")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.openid == "o_first" and first.created_at is not None
    assert len(statements) == 2, statements  # the read, the INSERT … ON CONFLICT DO NOTHING


def test_insert_or_get_reads_the_row_a_concurrent_insert_left():
    app, _, _ = released_app()
    user = UserFactory()
    lookup = {"miniprogram": app, "user": user}
    existing = AppIdentity.objects.create(**lookup, openid="o_there")
    found, created = sql.insert_or_get(AppIdentity, lookup, openid="o_other")
    assert (found.pk, found.openid, created) == (existing.pk, "o_there", False)


def test_get_or_insert_reads_a_none_in_its_lookup_as_the_orm_does():
    """``revoked_at: None`` is ``IS NULL``: a revoked grant is history, and granting the scope
    again makes a new active grant beside it."""
    app, _, _ = released_app()
    user = UserFactory()
    lookup = {"miniprogram": app, "user": user, "scope": "address", "revoked_at": None}
    revoked, _ = sql.get_or_insert(ConsentGrant, lookup)
    ConsentGrant.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    active, created = sql.get_or_insert(ConsentGrant, lookup)
    again, created_again = sql.get_or_insert(ConsentGrant, lookup)
    assert (created, created_again) == (True, False)
    assert active.pk != revoked.pk and again.pk == active.pk and again.revoked_at is None
