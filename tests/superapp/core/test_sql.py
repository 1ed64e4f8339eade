"""The hand-written insert helpers (superapp/core/sql.py): ``all_values`` builds the row a save
would, and refuses a model with a file field, whose ``pre_save`` would store the file."""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.utils import timezone

from payments.models import MerchantKey
from superapp.core import sql
from superapp.core.models import DomainEvent, DomainEventDelivery

pytestmark = pytest.mark.django_db


def test_all_values_fills_defaults_and_creation_times_as_a_save_would():
    row = sql.all_values(MerchantKey(organisation_id=7, webhook_secret="whsec_x"))
    assert "id" not in row
    assert (row["organisation_id"], row["webhook_secret"]) == (7, "whsec_x")
    assert row["created_at"] is not None


@isolate_apps("superapp.core")
def test_a_model_with_a_file_field_is_refused_and_its_file_not_stored():
    class Upload(models.Model):
        title = models.CharField(max_length=20)
        file = models.FileField(upload_to="sql-test")

        class Meta:
            app_label = "core"

    upload = Upload(title="x", file=ContentFile(b"secret", name="a.txt"))
    with pytest.raises(TypeError, match="file fields \\(file\\)"):
        sql.all_values(upload)
    assert not upload.file._committed  # pre_save never ran: nothing went to the storage


def test_hand_written_parameters_are_what_the_orm_sends(settings):
    """``row_params`` sends plain ints, strings, booleans and aware times as they are, and
    everything else (JSON, UUIDs, enum members, naive times, strings in an int column) through
    the field's own preparation: the same values either way."""
    from datetime import UTC, datetime
    from uuid import uuid4

    from django.db import connection

    from payments.models import Account, PayOrder
    from superapp.core.models import DomainEvent
    from superapp.webhooks.models import WebhookDelivery

    settings.USE_TZ = True
    now = datetime.now(UTC)
    rows = [
        (Account, {"kind": Account.Kind.FEES, "user_id": None, "shard": "3", "sandbox": True}),
        (PayOrder, {"status": "paid", "fee": 6, "paid_at": now, "miniprogram_id": 1}),
        (
            DomainEvent,
            {"type": "x.y", "payload": {"a": [1]}, "created_at": now.replace(tzinfo=None)},
        ),
        (WebhookDelivery, {"event_id": uuid4(), "body": "{}", "next_attempt_at": now}),
    ]
    for model, row in rows:
        expected = [
            model._meta.get_field(name).get_db_prep_save(value, connection)
            for name, value in row.items()
        ]
        sent = sql.row_params(model, row)
        assert [(type(value), str(value)) for value in sent] == [
            (type(value), str(value)) for value in expected
        ], model


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="the reused cursor is PostgreSQL's")
def test_statements_off_the_record_keep_djangos_guarantees():
    """Unless queries are logged (CaptureQueriesContext, DEBUG), the hand-written statements
    go through one psycopg cursor per connection instead of a new Django cursor each: the
    driver's errors still arrive as Django's, and a transaction marked for rollback still
    refuses them."""
    from django.db import IntegrityError, connections, transaction
    from django.db.transaction import TransactionManagementError

    connection = connections["default"]

    from tests.payments.factories import merchant_app

    organisation_id = merchant_app()[0].organisation_id
    key, _ = MerchantKey.objects.get_or_create(
        organisation_id=organisation_id, defaults={"webhook_secret": "whsec_a"}
    )
    duplicate = "INSERT INTO payments_merchantkey (organisation_id, webhook_secret, created_at)"
    duplicate += " SELECT organisation_id, webhook_secret, created_at FROM payments_merchantkey"
    duplicate += " WHERE id = %s"
    assert not connection.queries_logged
    read = "SELECT webhook_secret FROM payments_merchantkey WHERE id = %s"
    assert sql.fetch_one(read, [key.pk]) == (key.webhook_secret,)
    cursor = connection._sql_cursor[1]
    assert sql.fetch_all(read, [key.pk]) == [(key.webhook_secret,)]
    assert connection._sql_cursor[1] is cursor
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.execute(duplicate, [key.pk])
    with transaction.atomic():
        try:
            with transaction.atomic(savepoint=False):
                sql.execute(duplicate, [key.pk])
        except IntegrityError:
            pass
        with pytest.raises(TransactionManagementError):
            sql.execute("SELECT 1", [])
        transaction.set_rollback(True)


def test_a_statement_from_an_event_loop_is_refused_as_djangos_cursor_refuses_it():
    import asyncio

    from django.core.exceptions import SynchronousOnlyOperation

    async def in_the_loop():
        return sql.fetch_one("SELECT 1", [])

    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(in_the_loop())


def test_a_parent_and_its_children_are_inserted_in_one_statement_with_their_ids_in_order():
    """``insert_with_children_ids``: the children's ids come back in the order of the rows
    given (a checkout answers with the lines it wrote), in one statement on PostgreSQL."""
    row = sql.all_values(DomainEvent(type="test.event", payload={}, created_at=timezone.now()))
    children = [{"handler": f"handler.{name}"} for name in ("c", "a", "b")]
    with CaptureQueriesContext(connection) as sent:
        event_id, ids = sql.insert_with_children_ids(
            DomainEvent, row, DomainEventDelivery, "event_id", children
        )
    assert len(sent) == (1 if connection.vendor == "postgresql" else 2)
    stored = DomainEventDelivery.objects.filter(event_id=event_id).values_list("pk", "handler")
    assert dict(stored) == dict(zip(ids, ["handler.c", "handler.a", "handler.b"], strict=True))


def test_an_instance_from_column_values_is_the_one_the_orm_loads():
    """``sql.instance`` builds the instance without ``Model.__init__`` where nothing could tell:
    the same field values and state as the ORM's, the fields not read deferred, in any order."""
    from tests.payments.factories import merchant_app, pay_order, payer

    order = pay_order(merchant_app()[0], payer(), 500)
    loaded = type(order).objects.get(pk=order.pk)
    names = sql.field_names(type(order))
    built = sql.instance(type(order), names, [getattr(loaded, name) for name in names])
    assert sql._built_directly(type(order))
    assert {name: getattr(built, name) for name in names} == {
        name: getattr(loaded, name) for name in names
    }
    assert (built._state.adding, built._state.db) == (False, "default")
    assert built == loaded

    partial = sql.instance(type(order), ["status", "id"], [order.status, order.pk])
    assert partial.get_deferred_fields() == set(names) - {"id", "status"}
    assert partial.amount == order.amount  # read when asked, as a deferred field is


@isolate_apps("superapp.core")
def test_a_model_whose_init_does_more_is_built_through_it():
    """A model with an image field listens to its own ``post_init`` (to read the image's size):
    its instances are built by ``Model.from_db``, whatever order the values come in."""

    class Picture(models.Model):
        title = models.CharField(max_length=20)
        image = models.ImageField(upload_to="sql-test", width_field="width", blank=True)
        width = models.IntegerField(null=True)

        class Meta:
            app_label = "core"

    assert not sql._built_directly(Picture)
    built = sql.instance(Picture, ["width", "id", "title"], [None, 4, "sunset"])
    assert (built.pk, built.title, built.width) == (4, "sunset", None)
    assert built.get_deferred_fields() == {"image"}
    assert not built._state.adding
