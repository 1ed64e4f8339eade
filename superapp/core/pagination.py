from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """Opaque-cursor pagination, newest first, answering ``{"results": [...], "next": url}``."""

    ordering = "-id"
    page_size_query_param = "limit"
    max_page_size = 100
