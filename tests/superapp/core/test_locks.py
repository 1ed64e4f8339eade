"""Row locks are taken one way: through an app's ``locks.py`` (docs/architecture.md, "Locks")."""

import ast
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from superapp.core.locks import lock_objects
from superapp.official import locks as official_locks
from superapp.official.models import Brand

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ["superapp", "miniprograms", "payments", "redpackets", "loyalty"]


def _select_for_update_calls(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update"
    ]


def test_no_select_for_update_outside_locks_modules():
    stray = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "locks.py" and "migrations" not in path.parts
        for line in _select_for_update_calls(ast.parse(path.read_text()))
    ]
    assert stray == [], "lock rows through the app's locks.py:\n" + "\n".join(stray)


#: The hot paths' hand-written statements lock the rows they read in the same statement
#: (``sql.row_lock``): one conversation, one pay order, the ledger's accounts (the lock an
#: UPDATE takes anyway), a loyalty member and its referrer in id order, a shop order (of
#: its own row only) with its shop and app.
HAND_WRITTEN_LOCKS = {
    "superapp/messaging/services.py",
    "payments/services/payorders.py",
    "payments/ledger.py",
    "loyalty/services/members.py",
    "miniprograms/shop/services/order_state.py",
}


def _row_lock_calls(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "row_lock"
    ]


def test_hand_written_row_locks_stay_in_the_listed_hot_paths():
    """A lock inside a hand-written statement is allowed only where one statement reading and
    locking is the point (docs/architecture.md, "Locks"); anything else uses ``locks.py``."""
    found = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and _row_lock_calls(ast.parse(path.read_text()))
    }
    assert found == HAND_WRITTEN_LOCKS


def test_the_scan_finds_a_lock_taken_by_hand():
    assert _select_for_update_calls(ast.parse("Brand.objects.select_for_update().get(pk=1)")) == [1]


@pytest.mark.django_db(transaction=True)
def test_a_lock_is_for_update_of_its_own_rows_in_primary_key_order():
    table = Brand._meta.db_table
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        list(official_locks.brands().filter(pk__in=[2, 1]))
        list(lock_objects(Brand.objects.all()))
    statements = [query["sql"] for query in queries.captured_queries if "SELECT" in query["sql"]]
    assert len(statements) == 2
    for sql in statements:
        assert sql.split("ORDER BY")[1].lstrip().startswith(f'"{table}"."id" ASC'), sql
        if connection.vendor == "postgresql":
            assert f'FOR UPDATE OF "{table}"' in sql, sql
