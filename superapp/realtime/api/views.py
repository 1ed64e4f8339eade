from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.core.api import validated
from superapp.realtime import selectors
from superapp.realtime.tickets import ticket_issue


class SyncQuery(serializers.Serializer):
    cursor = serializers.IntegerField(
        min_value=0, default=0, help_text="The last cursor the client processed."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=settings.SYNC_MAX_EVENTS, default=100, help_text="Page size."
    )


class SyncView(APIView):
    """Everything that happened to the caller after ``cursor``, in order, exactly once.
    Call again with the returned cursor while ``has_more`` is true."""

    @extend_schema(
        parameters=[SyncQuery],
        responses=inline_serializer(
            "SyncResponse",
            {
                "events": serializers.ListField(child=serializers.DictField()),
                "cursor": serializers.IntegerField(),
                "has_more": serializers.BooleanField(),
            },
        ),
        tags=["realtime"],
    )
    def get(self, request):
        query = validated(SyncQuery, request.query_params)
        cursor, limit = query["cursor"], query["limit"]
        events = selectors.events_since(user=request.user, cursor=cursor, limit=limit + 1)
        page = events[:limit]
        return Response(
            {
                "events": [event.as_message() for event in page],
                "cursor": page[-1].cursor if page else cursor,
                "has_more": len(events) > limit,
            }
        )


class TicketView(APIView):
    """A single-use ticket to open the socket as ``/ws/?ticket=T`` within
    ``WS_TICKET_TTL_SECONDS`` (the browser app's way; ``?token=`` keeps working), with the
    caller's latest event cursor: a client that loads fresh state now syncs from there."""

    @extend_schema(
        request=None,
        responses={
            201: inline_serializer(
                "SocketTicket",
                {
                    "ticket": serializers.CharField(),
                    "expires_in": serializers.IntegerField(),
                    "cursor": serializers.IntegerField(),
                },
            )
        },
        tags=["realtime"],
    )
    def post(self, request):
        body = {
            "ticket": ticket_issue(access_token_id=request.auth.pk),
            "expires_in": settings.WS_TICKET_TTL_SECONDS,
            "cursor": selectors.latest_cursor(user=request.user),
        }
        return Response(body, status=201)
