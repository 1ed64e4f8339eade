"""The one end-of-page rule of keyset pagers (superapp/core/pagination.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from superapp.core.models import IdempotencyRecord
from superapp.core.pagination import keyset_page, page_end

pytestmark = pytest.mark.django_db


def _records(count: int) -> list[int]:
    IdempotencyRecord.objects.bulk_create(
        IdempotencyRecord(owner="pages", key=f"k{n}", request_fingerprint="f") for n in range(count)
    )
    return list(IdempotencyRecord.objects.order_by("pk").values_list("pk", flat=True))


def _all_pages(queryset, *, size: int, key: str = "pk") -> list[list]:
    pages, after = [], None
    while True:
        page = keyset_page(queryset, after=after, size=size, key=key)
        pages.append(page.rows)
        if page.next is None:
            return pages
        after = page.next


def test_an_empty_page_is_the_last():
    page = keyset_page(IdempotencyRecord.objects.all(), after=None, size=3, key="pk")
    assert page.rows == []
    assert page.next is None


def test_a_short_page_is_the_last():
    ids = _records(2)
    page = keyset_page(IdempotencyRecord.objects.all(), after=None, size=3, key="pk")
    assert [row.pk for row in page.rows] == ids
    assert page.next is None


def test_a_page_exactly_size_long_continues_and_the_following_one_is_empty():
    ids = _records(3)
    keys = IdempotencyRecord.objects.values_list("pk", flat=True)
    first = keyset_page(keys, after=None, size=3, key="pk")
    assert first.rows == ids
    assert first.next == ids[-1]
    following = keyset_page(keys, after=first.next, size=3, key="pk")
    assert following.rows == []
    assert following.next is None


def test_pages_continue_after_the_key_of_their_last_row_in_key_order():
    ids = _records(7)
    newest_first = IdempotencyRecord.objects.order_by("-pk")  # the pager orders by the key
    pages = _all_pages(newest_first, size=3)
    assert [[row.pk for row in rows] for rows in pages] == [ids[0:3], ids[3:6], ids[6:7]]


def test_rows_may_be_dicts_that_carry_the_key():
    ids = _records(4)
    pages = _all_pages(IdempotencyRecord.objects.values("pk", "key"), size=2)
    assert [[row["pk"] for row in rows] for rows in pages] == [ids[0:2], ids[2:4], []]


def test_a_distinct_column_pages_over_its_values():
    _records(5)
    IdempotencyRecord.objects.filter(key__in=["k0", "k1"]).update(request_fingerprint="a")
    IdempotencyRecord.objects.exclude(key__in=["k0", "k1"]).update(request_fingerprint="b")
    fingerprints = IdempotencyRecord.objects.values_list("request_fingerprint", flat=True)
    pages = _all_pages(fingerprints.distinct(), size=1, key="request_fingerprint")
    assert pages == [["a"], ["b"], []]


@given(count=st.integers(0, 12), size=st.integers(1, 5))
def test_page_end_continues_only_after_a_full_page(count, size):
    rows = list(range(count))
    pages, start = [], 0
    while True:
        page = rows[start : start + size]
        pages.append(page)
        after = page_end(page, size=size, key=lambda row: row)
        if after is None:
            break
        start = after + 1
    assert [row for page in pages for row in page] == rows  # every row once, in order
    assert all(len(page) == size for page in pages[:-1])
    assert len(pages[-1]) < size  # the last page is short (possibly empty)
