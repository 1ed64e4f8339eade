"""Helpers for the few hand-written statements of the hottest writes (a payment, a message).

The ORM compiles a statement for a few hundred microseconds of CPU each time it runs, more
than PostgreSQL spends executing a prepared one; the paths that must sustain hundreds of
writes per second on one machine (docs/scaling.md) write their statements by hand, through
these helpers, in SQL that both PostgreSQL and SQLite (the embedded default) run.
"""

import asyncio
import functools
import inspect
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute


def row_lock(*tables: str, strength: str = "UPDATE") -> str:
    """`` FOR UPDATE [OF …]`` (or another ``strength``) on PostgreSQL; nothing on SQLite, which
    has no row locks (it serialises writers)."""
    if connection.vendor != "postgresql":
        return ""
    return f" FOR {strength}" + (f" OF {', '.join(tables)}" if tables else "")


def _reused_cursor(db):
    """The psycopg cursor this connection's hand-written statements share, or None where they
    go through Django's cursor: not on PostgreSQL, or while queries are logged or wrapped
    (``CaptureQueriesContext`` in the tests, ``DEBUG``, ``connection.execute_wrapper``), so that
    every statement is still seen there. Django's cursor costs a payment's four statements
    about a tenth of its Python (a new psycopg cursor each time, the wrapper's checks and
    thread-sharing lock); this one is made once per database connection, as Django makes its
    own (``create_cursor``)."""
    if db.vendor != "postgresql" or db.queries_logged or db.execute_wrappers or _in_event_loop():
        return None
    db.close_if_health_check_failed()
    if db.connection is None:
        db.ensure_connection()
    reused = db.__dict__.get("_sql_cursor")
    if reused is None or reused[0] is not db.connection or reused[1].closed:
        reused = db._sql_cursor = (db.connection, db.create_cursor())
    return reused[1]


def _in_event_loop() -> bool:
    """In an event loop's thread Django's cursor refuses to block (``SynchronousOnlyOperation``,
    unless ``DJANGO_ALLOW_ASYNC_UNSAFE``): the statement goes there to be refused as before."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run(sql: str, params, read):
    """``read(cursor)`` once ``sql`` ran with ``params``, with Django's guarantees either way:
    no statement in a transaction marked for rollback, the driver's errors raised as Django's
    (``IntegrityError``…)."""
    db = connections[DEFAULT_DB_ALIAS]
    cursor = _reused_cursor(db)
    if cursor is None:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return read(cursor)
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        cursor.execute(sql, params)
        return read(cursor)


def _one(cursor):
    return cursor.fetchone()


def _all(cursor):
    return cursor.fetchall()


def _count(cursor):
    return cursor.rowcount


def fetch_one(sql: str, params) -> tuple | None:
    return _run(sql, params, _one)


def fetch_all(sql: str, params) -> list[tuple]:
    return _run(sql, params, _all)


def execute(sql: str, params) -> int:
    """Run a statement; returns how many rows it changed."""
    return _run(sql, params, _count)


def field_names(model) -> list[str]:
    """The columns of ``model``, in the order ``Model.from_db`` takes them."""
    return [field.attname for field in model._meta.concrete_fields]


def select_list(model, alias: str) -> str:
    """``alias.column, …`` of every column of ``model``, in :func:`field_names` order: a
    hand-written read's columns for :func:`instance`."""
    return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)


@functools.cache
def _fields(model, names: tuple[str, ...]) -> list:
    return [model._meta.get_field(name) for name in names]


# Field classes whose preparation for the database sends a value of these exact types as it
# is (``get_db_prep_save`` is the identity for them), unless a subclass changes it, by vendor:
# PostgreSQL sends an aware datetime as it is (SQLite needs its text form) but wraps an int in
# its column's width (Int8…, so that a prepared statement's parameter types never change).
_SENT_AS_IS = {
    "postgresql": {
        models.CharField: (str,),
        models.TextField: (str,),
        models.BooleanField: (bool,),
        models.DateTimeField: (datetime,),
    },
    "sqlite": {
        models.CharField: (str,),
        models.TextField: (str,),
        models.BooleanField: (bool,),
        models.IntegerField: (int,),
    },
}
_PREPARATION = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


@functools.cache
def _sent_as_is(field, vendor: str) -> tuple[type, ...]:
    """The exact types of the values ``field`` sends unchanged on this kind of database (asking
    the field costs more than the rest of a hand-written statement's parameters)."""
    target = field.target_field if field.is_relation else field
    for base, types in _SENT_AS_IS.get(vendor, {}).items():
        if type(target) is base or (
            isinstance(target, base)
            and all(getattr(type(target), name) is getattr(base, name) for name in _PREPARATION)
        ):
            return types + ((type(None),) if field.null else ())
    return ()


@functools.cache
def _preparations(model, names: tuple[str, ...], vendor: str) -> list[tuple[object, tuple]]:
    """Each field of ``names`` with the exact types it sends as they are (:func:`_sent_as_is`),
    worked out once per statement shape rather than once per value."""
    return [(field, _sent_as_is(field, vendor)) for field in _fields(model, names)]


def _prepare(field, as_is: tuple[type, ...], value, db):
    kind = type(value)
    if kind in as_is and (kind is not datetime or value.tzinfo is not None):
        return value
    return field.get_db_prep_save(value, db)


def _prepared(model, rows: list[dict]) -> tuple[list, list]:
    """The fields of ``rows`` (dicts of the same attnames) and their values, prepared as the ORM
    prepares them (JSON, UUIDs, times), row after row."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: each of its attributes is a lookup
    preparations = _preparations(model, tuple(rows[0]), db.vendor)
    params = [
        _prepare(field, as_is, value, db)
        for row in rows
        for (field, as_is), value in zip(preparations, row.values(), strict=True)
    ]
    return [field for field, _ in preparations], params


def row_params(model, row: dict) -> list:
    """The values of ``row`` (attnames of ``model``) as the ORM sends them, for a statement
    written by hand (SQLite needs its own form of times, PostgreSQL JSON adapted)."""
    return _prepared(model, [row])[1]


def _values(fields: list, count: int) -> str:
    return ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * count)


def _column_list(fields: list) -> str:
    return ", ".join(field.column for field in fields)


@functools.cache
def _insert_statement(model, names: tuple[str, ...], count: int, on_conflict: str = "") -> str:
    fields = _fields(model, names)
    return (
        f"INSERT INTO {model._meta.db_table} ({_column_list(fields)})"
        f" VALUES {_values(fields, count)}{on_conflict} RETURNING id"
    )


def insert_statement(model, rows: list[dict]) -> tuple[str, list]:
    """``INSERT … RETURNING id`` of ``rows`` (each a dict of the same attnames) and its
    parameters, for a caller that runs it inside a larger statement."""
    _, params = _prepared(model, rows)
    return _insert_statement(model, tuple(rows[0]), len(rows)), params


def insert(model, rows: list[dict]) -> list[int]:
    """INSERT ``rows`` in one statement; returns the new ids in row order."""
    return [pk for (pk,) in fetch_all(*insert_statement(model, rows))]


def insert_unless_conflicting(model, row: dict) -> int | None:
    """INSERT ``row`` unless it would break a unique constraint (``ON CONFLICT DO NOTHING``,
    no savepoint needed); its new id, or None. A conflicting row another transaction has not
    committed yet is waited for, as a unique index always does."""
    _, params = _prepared(model, [row])
    statement = _insert_statement(model, tuple(row), 1, " ON CONFLICT DO NOTHING")
    inserted = fetch_one(statement, params)
    return inserted[0] if inserted else None


def insert_or_get(model, lookup: dict, **defaults) -> tuple:
    """(row, created): a new row of ``lookup`` and ``defaults``, unless a concurrent transaction
    inserted it first (``ON CONFLICT DO NOTHING``, then that row is read). No savepoint, as a
    nested service needs (docs/architecture.md, "Transactions")."""
    row = all_values(model(**lookup, **defaults))
    created_id = insert_unless_conflicting(model, row)
    if created_id is None:
        return model.objects.get(**lookup), False
    return loaded(model, created_id, row), True


@functools.cache
def _select_by(model, names: tuple[str, ...], nulls: frozenset[str]) -> str:
    where = " AND ".join(
        f"t.{field.column} IS NULL" if name in nulls else f"t.{field.column} = %s"
        for name, field in zip(names, _fields(model, names), strict=True)
    )
    return (
        f"SELECT {select_list(model, 't')} FROM {model._meta.db_table} t WHERE {where}"
        " ORDER BY t.id LIMIT 1"
    )


def get_or_insert(model, lookup: dict, **defaults) -> tuple:
    """(row, created): ``get_or_create`` without its savepoint (:func:`insert_or_get`). The
    read is written by hand too: a first payment's pay order makes two of them (the
    merchant's key, the payer's app identity). ``lookup``: fields equal to values (a related
    object or its id; None is ``IS NULL``, as the ORM reads it)."""
    nulls = frozenset(name for name, value in lookup.items() if value is None)
    values = {
        name: getattr(value, "pk", value) for name, value in lookup.items() if value is not None
    }
    statement = _select_by(model, tuple(lookup), nulls)
    row = fetch_one(statement, _prepared(model, [values])[1] if values else [])
    if row is not None:
        return instance(model, field_names(model), row), False
    return insert_or_get(model, lookup, **defaults)


@functools.cache
def _insertable_fields(model) -> list:
    """The columns of ``model`` a hand-written insert fills (all but the id). A file field is
    refused: its ``pre_save`` stores the file in the storage, a side effect no statement here
    should have (and one a refused ``ON CONFLICT`` insert would leave behind)."""
    files = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    if files:
        raise TypeError(f"{model.__name__} has file fields ({', '.join(files)}): use the ORM")
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def all_values(instance) -> dict:
    """Every column of an unsaved ``instance`` but its id (defaults filled in, ``auto_now_add``
    times taken now, as a save would), by attname: the row to hand to :func:`insert` and then
    :func:`loaded`. Not for a model with a file field (``TypeError``)."""
    return {
        field.attname: field.pre_save(instance, True)
        for field in _insertable_fields(type(instance))
    }


@functools.cache
def _update_statement(model, names: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{field.column} = %s" for field in _fields(model, names))
    return f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s"


def update_statement(model, pk: int, row: dict) -> tuple[str, list]:
    """``UPDATE … SET … WHERE id = …`` of the row ``pk`` to the values of ``row`` (attnames of
    ``model``) and its parameters: :meth:`Model.save` with ``update_fields``, without the ORM's
    compiling, for a caller that runs it alone or in :func:`execute_together`."""
    _, params = _prepared(model, [row])
    return _update_statement(model, tuple(row)), [*params, pk]


def execute_together(statements: list[tuple[str, list]], ctes: tuple[str, list] = ("", [])):
    """Run data-modifying ``statements`` ((sql, params) each, none reading what another one
    wrote) after the WITH clauses ``ctes`` (:func:`family_ctes`), as one statement: each a
    clause of a data-modifying WITH. PostgreSQL only: SQLite has no data-modifying WITH, and a
    caller that also runs there runs the same statements one by one."""
    clauses = [ctes[0]] if ctes[0] else []
    clauses += [f"w{index} AS ({statement})" for index, (statement, _) in enumerate(statements)]
    params = [*ctes[1], *(param for _, values in statements for param in values)]
    execute(f"WITH {', '.join(clauses)} SELECT 1", params)


class Family(NamedTuple):
    """One ``parent`` row and its ``children`` rows (whose ``link`` field points at it), not
    written yet: :func:`insert_with_children` writes it alone, :func:`writes_ctes` as clauses
    of a larger statement."""

    parent: type
    row: dict
    child: type
    link: str
    children: list[dict]


# A write: a data-modifying statement whose result nobody reads, (sql, params) — an UPDATE, an
# INSERT (``insert_statement``) — or a Family. A hot path sends its writes as clauses of the
# statement it has to send anyway (``writes_ctes``: one round trip for all), where a caller
# that also runs on SQLite runs them one by one (``writes_run``).
Write = tuple[str, list] | Family


def writes_ctes(writes: Iterable[Write]) -> tuple[str, list]:
    """The WITH clauses ``w0 AS (…), w1 AS (…)…`` (a family's two: ``wN`` and
    ``wN_children``) that make ``writes``, and their parameters, for a data-modifying WITH on
    PostgreSQL. None may read what another one writes (they all see the statement's snapshot)."""
    clauses, params = [], []
    for index, write in enumerate(writes):
        if isinstance(write, Family):
            clause, values = family_ctes(*write, name=f"w{index}")
        else:
            clause, values = f"w{index} AS ({write[0]})", write[1]
        clauses.append(clause)
        params += values
    return ", ".join(clauses), params


def writes_run(writes: Iterable[Write]) -> None:
    """Send each of ``writes`` as a statement of its own (two for a family on SQLite)."""
    for write in writes:
        if isinstance(write, Family):
            insert_with_children(*write)
        else:
            execute(*write)


@functools.cache
def _family_ctes(
    parent,
    names: tuple,
    child,
    link: str,
    child_names: tuple,
    count: int,
    name: str,
    returning: str = "",
) -> str:
    if not count:
        return f"{name} AS ({_insert_statement(parent, names, 1)})"
    columns = [field.column for field in _fields(child, child_names)]
    return (
        f"{name} AS ({_insert_statement(parent, names, 1)}),"
        f" {name}_children AS (INSERT INTO {child._meta.db_table}"
        f" ({child._meta.get_field(link).column}, {', '.join(columns)})"
        f" SELECT {name}.id, {', '.join('v.' + column for column in columns)} FROM {name},"
        f" (VALUES {_values(columns, count)}) AS v({', '.join(columns)}){returning})"
    )


def family_ctes(
    parent, row: dict, child, link: str, children: list[dict], name: str = "parent"
) -> tuple[str, list]:
    """``parent AS (INSERT …), parent_children AS (INSERT …)`` (``name`` names them):
    PostgreSQL WITH clauses inserting one ``parent`` row and its ``children`` rows (whose
    ``link`` field points at it), with their parameters, for a statement to go on with
    (``SELECT id FROM parent``, an UPDATE…). With no children, the parent's clause alone."""
    _, parent_params = _prepared(parent, [row])
    if not children:
        return _family_ctes(parent, tuple(row), child, link, (), 0, name), parent_params
    _, child_params = _prepared(child, children)
    ctes = _family_ctes(parent, tuple(row), child, link, tuple(children[0]), len(children), name)
    return ctes, parent_params + child_params


def insert_with_children(parent, row: dict, child, link: str, children: list[dict]) -> int:
    """INSERT one ``parent`` row and its ``children`` rows (whose ``link`` field points at it);
    returns the parent's id. One statement on PostgreSQL (a data-modifying WITH), two on
    SQLite, which has none."""
    if not children or connection.vendor != "postgresql":
        [parent_id] = insert(parent, [row])
        if children:
            insert(child, [{link: parent_id, **values} for values in children])
        return parent_id
    ctes, params = family_ctes(parent, row, child, link, children)
    [(parent_id,)] = fetch_all(f"WITH {ctes} SELECT id FROM parent", params)
    return parent_id


def insert_with_children_ids(
    parent, row: dict, child, link: str, children: list[dict]
) -> tuple[int, list[int]]:
    """:func:`insert_with_children`, with the children's new ids too, in the order of
    ``children`` (for a caller that answers with the rows it wrote). The rows of one INSERT
    draw their ids from the sequence in the order of its VALUES, as Django's ``bulk_create``
    relies on too."""
    if not children or connection.vendor != "postgresql":
        [parent_id] = insert(parent, [row])
        rows = [{link: parent_id, **values} for values in children]
        return parent_id, insert(child, rows) if rows else []
    _, parent_params = _prepared(parent, [row])
    _, child_params = _prepared(child, children)
    names, child_names = tuple(row), tuple(children[0])
    ctes = _family_ctes(
        parent, names, child, link, child_names, len(children), "parent", " RETURNING id"
    )
    ids = fetch_all(
        f"WITH {ctes} SELECT parent.id, c.id FROM parent, parent_children c ORDER BY c.id",
        parent_params + child_params,
    )
    return ids[0][0], [child_id for _, child_id in ids]


def expression_sql(model, expression) -> str:
    """The SQL the ORM writes on this database for ``expression`` over the columns of ``model``
    (no parameters), for a hand-written statement that must compute the same thing."""
    query = model.objects.annotate(_expression=expression).query
    compiled, params = query.get_compiler(connection=connection).compile(
        query.annotations["_expression"]
    )
    if params:
        raise ValueError(f"{expression!r} takes parameters")
    return compiled


def instance(model, names: list[str], values):
    """A model instance from raw column values of the fields ``names`` (attnames), through the
    converters the ORM applies (a JSON field arrives as text; on SQLite, a time as a string)."""
    db = connections[DEFAULT_DB_ALIAS]
    converted = _converted_fields(model, tuple(names), db.vendor)
    if converted:
        values = list(values)
        for index, field in converted:
            col = field.get_col(model._meta.db_table)
            for convert in _converters(col):
                values[index] = convert(values[index], col, db)
    return from_db(model, names, values)


def from_db(model, names, values):
    """``model.from_db``: an instance loaded from the database with the values of the fields
    ``names`` (attnames, in any order; the others deferred). Where nothing could tell the
    difference, built without ``Model.__init__`` and its per-field loop and signals (a
    payment's four instances and its webhook row's parameters, timed alone: 48 → 25 µs)."""
    if not _built_directly(model):
        values_by_name = dict(zip(names, values, strict=True))
        ordered = [f.attname for f in model._meta.concrete_fields if f.attname in values_by_name]
        return model.from_db(DEFAULT_DB_ALIAS, ordered, [values_by_name[n] for n in ordered])
    new = model.__new__(model)
    new._state = state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    new.__dict__.update(zip(names, values, strict=True))
    return new


@functools.cache
def _built_directly(model) -> bool:
    """Whether ``Model.__init__`` would only store the values: the model changes neither
    ``__init__`` nor ``from_db``, nobody listens to its init signals (an ``ImageField`` does),
    and no field's attribute stores its value itself (a file's does; a foreign key's id clears
    a cached related object, which a new instance does not have). Asked once per model: the
    init signals' listeners connect when models are prepared, before any instance is read."""

    def stores_itself(field) -> bool:
        attribute = inspect.getattr_static(model, field.attname, None)
        return hasattr(attribute, "__set__") and not isinstance(
            attribute, ForeignKeyDeferredAttribute
        )

    return (
        model.__init__ is models.Model.__init__
        and model.from_db.__func__ is models.Model.from_db.__func__
        and not signals.pre_init.has_listeners(model)
        and not signals.post_init.has_listeners(model)
        and not any(stores_itself(field) for field in model._meta.concrete_fields)
    )


def _converters(col) -> list:
    return connection.ops.get_db_converters(col) + col.get_db_converters(connection)


@functools.cache
def _converted_fields(model, names: tuple[str, ...], vendor: str) -> list[tuple[int, object]]:
    """The fields among ``names`` that have converters on this kind of database (most have
    none, and asking costs more than the rest of building an instance)."""
    fields = [model._meta.get_field(name) for name in names]
    return [
        (index, field)
        for index, field in enumerate(fields)
        if _converters(field.get_col(model._meta.db_table))
    ]


def saved(instance, pk: int):
    """The ``instance`` whose :func:`all_values` a hand-written insert wrote as ``pk``, as
    :meth:`Model.save` leaves it (the related objects it was given stay cached on it)."""
    instance.pk = pk
    instance._state.adding, instance._state.db = False, DEFAULT_DB_ALIAS
    return instance


def loaded(model, pk: int, values: dict):
    """The instance ``insert`` wrote, as if the ORM had saved it."""
    return from_db(model, ["id", *values], [pk, *values.values()])
