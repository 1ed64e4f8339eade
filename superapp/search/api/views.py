from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from superapp.core.api import validated
from superapp.core.errors import InvalidInput
from superapp.core.fulltext import Search
from superapp.search import selectors
from superapp.search.api.serializers import DiscoverOutput, SearchInput, SearchOutput


class SearchView(APIView):
    """Search everything the caller may find. Without ``kind`` the answer groups the best few
    results of every kind; with ``kind`` it is one page of that kind (``next`` for more)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Words or part of a name."),
            OpenApiParameter("kind", str, enum=selectors.KIND_NAMES, required=False),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter("offset", int, required=False),
        ],
        responses=SearchOutput,
        tags=["search"],
    )
    def get(self, request):
        params = validated(SearchInput, request.query_params)
        search = Search(params["q"])
        if not search:
            raise InvalidInput(fields={"q": ["Type at least one letter or digit."]})
        kind = params.get("kind")
        if kind is None:
            groups = selectors.search_grouped(viewer=request.user, search=search)
            return Response({"kind": None, "results": [], "next": None, "groups": groups})
        offset, limit = params["offset"], params["limit"]
        results, more = selectors.search_kind(
            viewer=request.user, search=search, kind=kind, offset=offset, limit=limit
        )
        next_url = None
        if more:
            next_url = replace_query_param(request.build_absolute_uri(), "offset", offset + limit)
        return Response({"kind": kind, "results": results, "next": next_url, "groups": []})


class DiscoverView(APIView):
    """Featured official accounts, mini-programs and live shows for the Discover page."""

    @extend_schema(responses=DiscoverOutput, tags=["search"])
    def get(self, request):
        return Response(selectors.discover(limit=settings.DISCOVER_ITEMS_PER_KIND))
