import functools

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class CursorPage(CursorPagination):
    """Opaque-cursor pagination, newest first, answering ``{"results": [...], "next": url}``."""

    ordering = "-id"
    page_size_query_param = "limit"
    max_page_size = 100


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
