import hmac

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from miniprograms.live import media, selectors, services
from miniprograms.live.api import serializers as s
from miniprograms.live.models import Show
from superapp.core.api import SelectorListView, validated
from superapp.core.errors import NOT_FOUND, NotFound
from superapp.core.idempotency import run_idempotent

TAGS = ["live"]


def _show(show_id: int) -> Response:
    return Response(s.LiveShowOutput(selectors.show_get(show_id=show_id)).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[s.LiveShowListQuery],
        tags=TAGS,
        description="Scheduled, live and ended shows, newest first (`?brand_id=`, `?status=`).",
    )
)
class ShowsView(SelectorListView):
    model = Show
    serializer_class = s.LiveShowOutput

    @staticmethod
    def selector(request):
        return selectors.shows_list(**validated(s.LiveShowListQuery, request.query_params))

    @extend_schema(
        request=s.LiveShowInput,
        responses={201: s.LiveShowOutput},
        tags=TAGS,
        description="A brand owner or admin schedules a show of the brand's shop products.",
    )
    def post(self, request):
        data = validated(s.LiveShowInput, request.data)
        show = services.show_create(actor=request.user, **data)
        response = _show(show.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class ShowView(APIView):
    @extend_schema(responses={200: s.LiveShowOutput}, tags=TAGS)
    def get(self, request, show_id: int):
        return _show(show_id)


class ShowStartView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.LiveShowOutput},
        tags=TAGS,
        description="Go live (host, moderators, brand managers); followers are reminded.",
    )
    def post(self, request, show_id: int):
        services.show_start(actor=request.user, show_id=show_id)
        return _show(show_id)


class ShowEndView(APIView):
    @extend_schema(request=None, responses={200: s.LiveShowOutput}, tags=TAGS)
    def post(self, request, show_id: int):
        services.show_end(actor=request.user, show_id=show_id)
        return _show(show_id)


class PinView(APIView):
    @extend_schema(
        request=s.LivePinInput,
        responses={201: s.LivePinOutput},
        tags=TAGS,
        description="Pin one of the show's products (replacing the current pin).",
    )
    def post(self, request, show_id: int):
        data = validated(s.LivePinInput, request.data)
        pin = services.pin_set(actor=request.user, show_id=show_id, **data)
        return Response(s.LivePinOutput(pin).data, status=status.HTTP_201_CREATED)


class DealsView(APIView):
    @extend_schema(
        request=s.LiveDealInput,
        responses={201: s.LiveDealOutput},
        tags=TAGS,
        description="Start a flash deal on the pinned product. 400 `countdown_out_of_range`, "
        "`window_out_of_range`, `deal_price_above_list`; 422 `no_pinned_product`; 409 "
        "`deal_in_progress`.",
    )
    def post(self, request, show_id: int):
        data = validated(s.LiveDealInput, request.data)
        deal = services.deal_start(actor=request.user, show_id=show_id, **data)
        return Response(s.LiveDealOutput(deal).data, status=status.HTTP_201_CREATED)


class DealOrderView(APIView):
    @extend_schema(
        request=s.LiveDealOrderInput,
        responses={201: s.LiveDealOrderOutput},
        tags=TAGS,
        description="One-tap buy in the stream: a shop order at the deal price and its pay "
        "order. 422 `deal_not_open` / `deal_closed` / `deal_limit_reached`, 409 "
        "`deal_sold_out`, 403 `banned`. Honours `Idempotency-Key`.",
    )
    def post(self, request, show_id: int, deal_id: int):
        data = validated(s.LiveDealOrderInput, request.data)

        def buy():
            order, _prepay_id = services.deal_buy(
                actor=request.user, show_id=show_id, deal_id=deal_id, **data
            )
            return Response(s.LiveDealOrderOutput(order).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, buy)


class RestrictionsView(APIView):
    @extend_schema(
        responses={200: s.LiveRestrictionOutput(many=True)},
        tags=TAGS,
        description="The show's mutes and bans, latest first (room staff).",
    )
    def get(self, request, show_id: int):
        show = selectors.show_for_room_staff(show_id=show_id, user=request.user)
        rows = selectors.restrictions_list(show=show)
        return Response(s.LiveRestrictionOutput(rows, many=True).data)

    @extend_schema(
        request=s.LiveRestrictionInput,
        responses={201: s.LiveRestrictionOutput},
        tags=TAGS,
        description="Mute a viewer (no comments) or ban them (removed, cannot rejoin).",
    )
    def post(self, request, show_id: int):
        data = validated(s.LiveRestrictionInput, request.data)
        restriction = services.restriction_add(actor=request.user, show_id=show_id, **data)
        return Response(s.LiveRestrictionOutput(restriction).data, status=status.HTTP_201_CREATED)


class RestrictionView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        description="Undo a mute or a ban (room staff); 204 also when there was none.",
        parameters=[
            OpenApiParameter("restriction_kind", str, OpenApiParameter.PATH, enum=["mute", "ban"]),
            OpenApiParameter("username", str, OpenApiParameter.PATH),
        ],
    )
    def delete(self, request, show_id: int, restriction_kind: str, username: str):
        data = validated(s.LiveRestrictionInput, {"kind": restriction_kind, "username": username})
        services.restriction_remove(actor=request.user, show_id=show_id, **data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentRestoreView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        description="Undo the removal of a comment (room staff): viewers get it back.",
        parameters=[OpenApiParameter("comment_id", str, OpenApiParameter.PATH)],
    )
    def post(self, request, show_id: int, comment_id: str):
        services.comment_restore(actor=request.user, show_id=show_id, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentView(APIView):
    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        parameters=[OpenApiParameter("comment_id", str, OpenApiParameter.PATH)],
    )
    def delete(self, request, show_id: int, comment_id: str):
        services.comment_remove(actor=request.user, show_id=show_id, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReplayView(APIView):
    @extend_schema(responses={200: s.LiveReplayOutput}, tags=TAGS)
    def get(self, request, show_id: int):
        show = selectors.show_get(show_id=show_id)
        return Response(s.LiveReplayOutput(selectors.replay(show=show)).data)


class StatsView(APIView):
    @extend_schema(
        responses={200: s.LiveStatsOutput},
        tags=TAGS,
        description="Peak and unique viewers, likes, comments, orders, GMV and conversion.",
    )
    def get(self, request, show_id: int):
        show = selectors.show_for_room_staff(show_id=show_id, user=request.user)
        return Response(s.LiveStatsOutput(selectors.stats(show=show)).data)


class StreamKeyView(APIView):
    @extend_schema(
        request=None,
        responses={201: s.LiveStreamKeyOutput},
        tags=TAGS,
        description="A new stream key for the show (the host or a brand manager): push RTMP "
        "to `server` with `stream_key` and the show goes live; the previous key stops working. "
        "The key is shown only in this answer. 422 `invalid_show_status` once the show ended.",
    )
    def post(self, request, show_id: int):
        show, key = services.stream_key_rotate(actor=request.user, show_id=show_id)
        body = {
            "server": settings.LIVE_MEDIA_RTMP_URL,
            "stream_key": key,
            "stream_name": media.stream_name(show.pk),
            "playback_url": media.hls_url(show.pk),
            "rotated_at": show.stream_key_rotated_at,
        }
        return Response(s.LiveStreamKeyOutput(body).data, status=status.HTTP_201_CREATED)


class ReminderView(APIView):
    @extend_schema(
        request=None,
        responses={200: s.LiveReminderOutput},
        tags=TAGS,
        description="Remind me: the caller is told (event `live.show_started`) when this "
        "scheduled show goes live, once even if they follow the brand too. Setting it again is "
        "harmless. 422 `invalid_show_status` once the show has started.",
    )
    def put(self, request, show_id: int):
        services.reminder_set(actor=request.user, show_id=show_id)
        return Response(s.LiveReminderOutput({"show_id": show_id, "reminded": True}).data)

    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, show_id: int):
        services.reminder_delete(actor=request.user, show_id=show_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RemindersView(APIView):
    @extend_schema(responses={200: s.LiveRemindersOutput}, tags=TAGS)
    def get(self, request):
        show_ids = selectors.reminded_show_ids(user=request.user)
        return Response(s.LiveRemindersOutput({"show_ids": show_ids}).data)


MEDIA_EVENTS = {
    "publish": lambda data: services.stream_publish_start(
        name=data.get("name", ""), key=data.get("key", "")
    ),
    "publish_done": lambda data: services.stream_publish_stop(name=data.get("name", "")),
    "record_done": lambda data: services.stream_recorded(
        name=data.get("name", ""), path=data.get("path", "")
    ),
}


@extend_schema(exclude=True)  # called by Plaza's own media server only, never by clients
class MediaCallbackView(APIView):
    """nginx-rtmp's ``on_publish`` / ``on_publish_done`` / ``on_record_done`` (form-encoded
    POSTs). The URL's ``?secret=`` is ``LIVE_MEDIA_CALLBACK_SECRET`` (in the query string,
    which Plaza's request log never writes): without it the endpoint does not exist (404). A
    2xx lets the push go on; anything else makes nginx drop the publisher."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]

    def post(self, request, event: str):
        expected = settings.LIVE_MEDIA_CALLBACK_SECRET
        secret = request.query_params.get("secret", "")
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            raise NotFound("Not found.", code=NOT_FOUND)
        if event not in MEDIA_EVENTS:
            raise NotFound("No such media event.", code=NOT_FOUND)
        show = MEDIA_EVENTS[event](request.data)
        return Response({"show_id": show.pk, "status": show.status})
