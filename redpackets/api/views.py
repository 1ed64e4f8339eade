from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from redpackets import selectors, services
from redpackets.api import serializers as s
from superapp.core.api import validated
from superapp.core.idempotency import IDEMPOTENCY_HEADER, run_idempotent


class RedPacketCreateView(APIView):
    @extend_schema(
        request=s.RedPacketCreateInput,
        responses={201: s.RedPacketOutput},
        parameters=[IDEMPOTENCY_HEADER],
        tags=["red-packets"],
    )
    def post(self, request):
        data = validated(s.RedPacketCreateInput, request.data)
        conversation_id = data.pop("conversation")

        def create():
            packet = services.red_packet_create(
                actor=request.user, conversation_id=conversation_id, **data
            )
            detail = selectors.red_packet_for_member(packet_id=packet.pk, user=request.user)
            output = s.RedPacketOutput(detail, context={"request": request})
            return Response(output.data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, create)


class RedPacketDetailView(APIView):
    @extend_schema(responses=s.RedPacketOutput, tags=["red-packets"])
    def get(self, request, pk: int):
        packet = selectors.red_packet_for_member(packet_id=pk, user=request.user)
        return Response(s.RedPacketOutput(packet, context={"request": request}).data)


class RedPacketClaimView(APIView):
    @extend_schema(
        request=None,
        responses=s.RedPacketClaimResultOutput,
        parameters=[IDEMPOTENCY_HEADER],
        tags=["red-packets"],
    )
    def post(self, request, pk: int):
        def claim():
            opened = services.red_packet_claim(actor=request.user, packet_id=pk)
            return Response(s.RedPacketClaimResultOutput(opened).data)

        return run_idempotent(request, claim)
