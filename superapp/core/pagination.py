import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.db.models import Model, QuerySet
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class CursorPage(CursorPagination):
    """Opaque-cursor pagination, newest first, answering ``{"results": [...], "next": url}``.

    A cursor is base64 a client can forge: its position must be a value of the ordering field
    (an integer in the column's range, a datetime...), else 404 ``not_found`` "Invalid cursor"
    as DRF answers an undecodable one, never a query that fails."""

    ordering = "-id"
    page_size_query_param = "limit"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.paged_queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        ordering = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        name = ordering.lstrip("-")
        try:
            field = self.paged_queryset.model._meta.get_field(name)
        except FieldDoesNotExist:  # an annotation: its output field
            annotation = self.paged_queryset.query.annotations.get(name)
            if annotation is None:
                return
            field = annotation.output_field
        try:
            value = field.to_python(position)
        except ValidationError as exc:
            raise NotFound(self.invalid_cursor_message) from exc
        ranges = connection.ops.integer_field_ranges
        low, high = ranges.get(field.get_internal_type(), (None, None))
        out_of_range = isinstance(value, int) and low is not None and not low <= value <= high
        if out_of_range or "\x00" in position:
            raise NotFound(self.invalid_cursor_message)


def paginate(view, request, queryset, serializer_class, *, ordering: str = "-id"):
    """A CursorPage response for an APIView method (generic views paginate by themselves)."""
    paginator = CursorPage()
    paginator.ordering = ordering
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


@functools.cache
def page_of(serializer_class):
    """The OpenAPI response of :func:`paginate`: ``{"next", "previous", "results": [...]}``."""
    return inline_serializer(
        name=f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List",
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def single_page(items, serializer_class) -> Response:
    """A short computed list in the same envelope as :func:`paginate` (described by
    :func:`page_of`), so clients read every list the same way."""
    return Response(
        {"results": serializer_class(items, many=True).data, "next": None, "previous": None}
    )


# --- Keyset pages (batches of background work, and feeds with a key of their own) ------------

Row = TypeVar("Row")


@dataclass(frozen=True)
class KeysetPage(Generic[Row]):
    """``rows`` of one keyset page and ``next``, the key to ask the following page after; None
    when this page is the last."""

    rows: list[Row]
    next: Any | None


def page_end(rows: Sequence[Row], *, size: int, key: Callable[[Row], Any]) -> Any | None:
    """The one end-of-page rule of every keyset pager: a page shorter than ``size`` is the last
    (None); a full page continues after the key of its last row, so a page exactly ``size``
    long may be followed by an empty one, never by a missed row."""
    return key(rows[-1]) if rows and len(rows) >= size else None


def keyset_page(queryset: QuerySet, *, after: Any | None, size: int, key: str) -> KeysetPage:
    """Up to ``size`` rows of ``queryset`` whose field ``key`` is above ``after`` (None: from
    the first), ascending by ``key``, which must be unique among the rows (a primary key, or a
    column made unique by ``distinct()``). Rows are model instances, dicts (``values()``
    including ``key``) or the keys themselves (``values_list(key, flat=True)``); the next key is
    read from the last one (:func:`page_end`)."""
    if after is not None:
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[:size])
    return KeysetPage(rows, page_end(rows, size=size, key=functools.partial(_key_of, key)))


def _key_of(key: str, row):
    if isinstance(row, Model):
        return getattr(row, key)
    return row[key] if isinstance(row, dict) else row
