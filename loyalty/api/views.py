from io import BytesIO

import segno
from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty import selectors, services
from loyalty.api import serializers as s
from loyalty.models import (
    Campaign,
    Client,
    ClientNote,
    Commission,
    Consent,
    FollowUpTask,
    Member,
    PointEntry,
    Segment,
)
from superapp.accounts.selectors import user_by_username
from superapp.core.api import SelectorListView, validated
from superapp.core.idempotency import run_idempotent
from superapp.core.pagination import page_end

TAGS = ["loyalty"]
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False
)


# --- Programs ---------------------------------------------------------------------------------


class ProgramCreateView(APIView):
    @extend_schema(request=s.ProgramCreateInput, responses={201: s.ProgramOutput}, tags=TAGS)
    def post(self, request):
        program = services.program_create(
            actor=request.user, **validated(s.ProgramCreateInput, request.data)
        )
        return Response(s.ProgramOutput(program).data, status=status.HTTP_201_CREATED)


class ProgramView(APIView):
    @extend_schema(responses=s.ProgramOutput, tags=TAGS)
    def get(self, request, brand_id: int):
        return Response(s.ProgramOutput(selectors.program_for_brand(brand_id=brand_id)).data)

    @extend_schema(request=s.ProgramUpdateInput, responses=s.ProgramOutput, tags=TAGS)
    def patch(self, request, brand_id: int):
        data = validated(s.ProgramUpdateInput, request.data, partial=True)
        program = services.program_update(actor=request.user, brand_id=brand_id, **data)
        return Response(s.ProgramOutput(program).data)


class BonusCampaignCreateView(APIView):
    @extend_schema(
        request=s.BonusCampaignSerializer, responses={201: s.BonusCampaignSerializer}, tags=TAGS
    )
    def post(self, request, brand_id: int):
        data = validated(s.BonusCampaignSerializer, request.data)
        campaign = services.bonus_campaign_create(actor=request.user, brand_id=brand_id, **data)
        return Response(s.BonusCampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class TierCreateView(APIView):
    @extend_schema(request=s.TierSerializer, responses={201: s.TierSerializer}, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.TierSerializer, request.data)
        tier = services.tier_add(actor=request.user, brand_id=brand_id, **data)
        return Response(s.TierSerializer(tier).data, status=status.HTTP_201_CREATED)


class RewardView(APIView):
    @extend_schema(request=s.RewardUpdateInput, responses=s.RewardSerializer, tags=TAGS)
    def patch(self, request, brand_id: int, reward_id: int):
        data = validated(s.RewardUpdateInput, request.data, partial=True)
        reward = services.reward_update(
            actor=request.user, brand_id=brand_id, reward_id=reward_id, **data
        )
        return Response(s.RewardSerializer(reward).data)

    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, brand_id: int, reward_id: int):
        services.reward_retire(actor=request.user, brand_id=brand_id, reward_id=reward_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RewardCreateView(APIView):
    @extend_schema(request=s.RewardSerializer, responses={201: s.RewardSerializer}, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.RewardSerializer, request.data)
        reward = services.reward_create(actor=request.user, brand_id=brand_id, **data)
        return Response(s.RewardSerializer(reward).data, status=status.HTTP_201_CREATED)


# --- Membership, card, points -----------------------------------------------------------------


class MembershipView(APIView):
    @extend_schema(request=s.JoinInput, responses={201: s.CardOutput}, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.JoinInput, request.data)
        member = services.membership_join(actor=request.user, brand_id=brand_id, **data)
        return Response(s.CardOutput(member).data, status=status.HTTP_201_CREATED)


class CardView(APIView):
    @extend_schema(responses=s.CardOutput, tags=TAGS)
    def get(self, request, brand_id: int):
        member = selectors.member_for_user(brand_id=brand_id, user=request.user)
        return Response(s.CardOutput(member).data)


class CardQrView(APIView):
    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY}, tags=TAGS)
    def get(self, request, brand_id: int):
        member = selectors.member_for_user(brand_id=brand_id, user=request.user)
        image = BytesIO()
        segno.make(selectors.card_payload(member), error="m").save(image, kind="png", scale=6)
        return HttpResponse(image.getvalue(), content_type="image/png")


class MemberCardListView(SelectorListView):
    model = Member
    serializer_class = s.MemberCardOutput

    @staticmethod
    def selector(request):
        return selectors.memberships_for_user(user=request.user)


class PointsHistoryView(SelectorListView):
    model = PointEntry
    serializer_class = s.PointEntryOutput

    @staticmethod
    def selector(request, brand_id):
        member = selectors.member_for_user(brand_id=brand_id, user=request.user)
        return selectors.point_entries(member=member)


class RedemptionCreateView(APIView):
    @extend_schema(
        request=s.RedemptionInput,
        responses={201: s.RedemptionOutput},
        parameters=[IDEMPOTENCY_HEADER],
        tags=TAGS,
    )
    def post(self, request, brand_id: int):
        data = validated(s.RedemptionInput, request.data)

        def redeem():
            redemption = services.redemption_create(actor=request.user, brand_id=brand_id, **data)
            return Response(s.RedemptionOutput(redemption).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, redeem)


class InStorePurchaseView(APIView):
    @extend_schema(
        request=s.InStorePurchaseInput,
        responses={201: s.PurchaseOutput},
        parameters=[IDEMPOTENCY_HEADER],
        tags=TAGS,
    )
    def post(self, request, brand_id: int):
        data = validated(s.InStorePurchaseInput, request.data)

        def record():
            purchase = services.in_store_purchase_record(
                actor=request.user, brand_id=brand_id, **data
            )
            return Response(s.PurchaseOutput(purchase).data, status=status.HTTP_201_CREATED)

        return run_idempotent(request, record)


class MemberLookupView(APIView):
    @extend_schema(request=s.MemberLookupInput, responses=s.MemberAtTillOutput, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.MemberLookupInput, request.data)
        member = selectors.member_for_staff(brand_id=brand_id, user=request.user, **data)
        return Response(s.MemberAtTillOutput(member).data)


class MyAssociateView(APIView):
    @extend_schema(responses=s.MyAssociateOutput, tags=TAGS)
    def get(self, request, brand_id: int):
        client = selectors.client_of_user(brand_id=brand_id, user=request.user)
        body = {"associate": client.associate, "handovers": selectors.handovers_of(client=client)}
        return Response(s.MyAssociateOutput(body).data)


# --- Client book ------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only clients assigned to me."),
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Username or display name contains this."
            ),
        ],
    )
)
class ClientListView(SelectorListView):
    """The brand's client book (staff): all clients, or ``mine``, searched by ``q``."""

    model = Client
    serializer_class = s.ClientOutput

    @staticmethod
    def selector(request, brand_id):
        clients = selectors.clients_for_staff(brand_id=brand_id, user=request.user)
        if request.query_params.get("mine") in ("1", "true"):
            clients = clients.filter(associate=request.user)
        return selectors.clients_search(clients, text=request.query_params.get("q", "")[:100])


class ClientDetailView(APIView):
    @extend_schema(responses=s.ClientDetailOutput, tags=TAGS)
    def get(self, request, brand_id: int, client_id: int):
        client = selectors.client_for_staff(
            brand_id=brand_id, client_id=client_id, user=request.user
        )
        return Response(s.ClientDetailOutput(client, context={"user": request.user}).data)


class ClientAssignmentView(APIView):
    @extend_schema(request=s.AssignInput, responses=s.ClientOutput, tags=TAGS)
    def post(self, request, brand_id: int, client_id: int):
        data = validated(s.AssignInput, request.data)
        services.client_reassign(
            actor=request.user,
            brand_id=brand_id,
            client_id=client_id,
            associate=user_by_username(data["associate"]),
            reason=data["reason"],
        )
        client = selectors.client_for_staff(
            brand_id=brand_id, client_id=client_id, user=request.user
        )
        return Response(s.ClientOutput(client).data)


class ClientTagsView(APIView):
    @extend_schema(request=s.TagInput, responses={201: s.TagOutput}, tags=TAGS)
    def post(self, request, brand_id: int, client_id: int):
        data = validated(s.TagInput, request.data)
        tag = services.client_tag_add(
            actor=request.user, brand_id=brand_id, client_id=client_id, **data
        )
        return Response(s.TagOutput(tag).data, status=status.HTTP_201_CREATED)


class ClientTagView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, brand_id: int, client_id: int, tag_id: int):
        services.client_tag_remove(
            actor=request.user, brand_id=brand_id, client_id=client_id, tag_id=tag_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClientNotesView(SelectorListView):
    """A client's notes, newest first (staff); POST adds one."""

    model = ClientNote
    serializer_class = s.NoteOutput

    @staticmethod
    def selector(request, brand_id, client_id):
        client = selectors.client_for_staff(
            brand_id=brand_id, client_id=client_id, user=request.user
        )
        return selectors.client_notes(client=client)

    @extend_schema(request=s.NoteInput, responses={201: s.NoteOutput}, tags=TAGS)
    def post(self, request, brand_id: int, client_id: int):
        data = validated(s.NoteInput, request.data)
        note = services.client_note_add(
            actor=request.user, brand_id=brand_id, client_id=client_id, **data
        )
        return Response(s.NoteOutput(note).data, status=status.HTTP_201_CREATED)


class ClientTasksView(APIView):
    @extend_schema(request=s.TaskInput, responses={201: s.TaskOutput}, tags=TAGS)
    def post(self, request, brand_id: int, client_id: int):
        data = validated(s.TaskInput, request.data)
        if "assignee" in data:
            data["assignee"] = user_by_username(data["assignee"])
        task = services.follow_up_create(
            actor=request.user, brand_id=brand_id, client_id=client_id, **data
        )
        return Response(s.TaskOutput(task).data, status=status.HTTP_201_CREATED)


class ClientTimelineView(APIView):
    @extend_schema(parameters=[s.TimelineQuery], responses=s.TimelineOutput, tags=TAGS)
    def get(self, request, brand_id: int, client_id: int):
        query = validated(s.TimelineQuery, request.query_params)
        client = selectors.client_for_staff(
            brand_id=brand_id, client_id=client_id, user=request.user
        )
        limit = settings.LOYALTY_TIMELINE_MAX_ITEMS
        items = selectors.client_timeline(client=client, before=query.get("before"), limit=limit)
        following = page_end(items, size=limit, key=lambda item: item["at"])
        return Response(s.TimelineOutput({"results": items, "next": following}).data)


class TaskListView(SelectorListView):
    model = FollowUpTask
    serializer_class = s.TaskOutput

    @staticmethod
    def selector(request, brand_id):
        return selectors.tasks_for(brand_id=brand_id, user=request.user)


class TaskCompleteView(APIView):
    @extend_schema(request=None, responses=s.TaskOutput, tags=TAGS)
    def post(self, request, brand_id: int, task_id: int):
        task = services.follow_up_complete(actor=request.user, brand_id=brand_id, task_id=task_id)
        return Response(s.TaskOutput(task).data)


# --- Segments, campaigns, commission ----------------------------------------------------------


class SegmentListView(SelectorListView):
    model = Segment
    serializer_class = s.SegmentSerializer

    @staticmethod
    def selector(request, brand_id):
        return selectors.segments_for_staff(brand_id=brand_id, user=request.user)

    @extend_schema(request=s.SegmentSerializer, responses={201: s.SegmentSerializer}, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.SegmentSerializer, request.data)
        filters = s.SegmentFilters(data["filters"]).data
        segment = services.segment_create(
            actor=request.user, brand_id=brand_id, name=data["name"], filters=filters
        )
        return Response(s.SegmentSerializer(segment).data, status=status.HTTP_201_CREATED)


class SegmentPreviewView(APIView):
    @extend_schema(request=s.SegmentPreviewInput, responses=s.SegmentPreviewOutput, tags=TAGS)
    def post(self, request, brand_id: int):
        filters = s.SegmentFilters(validated(s.SegmentPreviewInput, request.data)).data
        size = selectors.segment_preview(brand_id=brand_id, user=request.user, filters=filters)
        return Response(s.SegmentPreviewOutput(size).data)


class SegmentClientsView(SelectorListView):
    model = Client
    serializer_class = s.ClientOutput

    @staticmethod
    def selector(request, brand_id, segment_id):
        return selectors.segment_clients_for_staff(
            brand_id=brand_id, segment_id=segment_id, user=request.user
        )


class CampaignListCreateView(SelectorListView):
    """The brand's campaigns with their results (managers); POST sends one to a segment."""

    model = Campaign
    serializer_class = s.CampaignResultOutput

    @staticmethod
    def selector(request, brand_id):
        return selectors.campaigns_for_manager(brand_id=brand_id, user=request.user)

    def get_serializer(self, *args, **kwargs):
        if args:  # the page: how many followers each of its campaigns reached, in one query
            delivered = selectors.campaign_delivered_counts(campaigns=list(args[0]))
            kwargs["context"] = {**self.get_serializer_context(), "delivered": delivered}
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=s.CampaignInput, responses={201: s.CampaignOutput}, tags=TAGS)
    def post(self, request, brand_id: int):
        data = validated(s.CampaignInput, request.data)
        campaign = services.campaign_send(actor=request.user, brand_id=brand_id, **data)
        return Response(s.CampaignOutput(campaign).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("associate", OpenApiTypes.STR, description="Username.")]
    )
)
class CommissionListView(SelectorListView):
    model = Commission
    serializer_class = s.CommissionOutput

    @staticmethod
    def selector(request, brand_id):
        username = request.query_params.get("associate")
        return selectors.commissions_for(
            brand_id=brand_id,
            user=request.user,
            associate=user_by_username(username) if username else None,
        )


class MyCommissionView(APIView):
    """The caller's own commission figure at the brand (every member may ask for theirs)."""

    @extend_schema(responses=s.CommissionSummaryOutput, tags=TAGS)
    def get(self, request, brand_id: int):
        totals = selectors.commission_totals(brand_id=brand_id, user=request.user)
        return Response(s.CommissionSummaryOutput({"totals": totals}).data)


# --- Consent ----------------------------------------------------------------------------------


class ConsentListView(SelectorListView):
    model = Consent
    serializer_class = s.ConsentOutput

    @staticmethod
    def selector(request):
        return selectors.consents_for_user(user=request.user)

    @extend_schema(request=s.ConsentInput, responses={201: s.ConsentOutput}, tags=TAGS)
    def post(self, request):
        consent = services.consent_grant(
            actor=request.user, **validated(s.ConsentInput, request.data)
        )
        return Response(s.ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class ConsentWithdrawView(APIView):
    @extend_schema(request=s.WithdrawInput, responses=s.WithdrawOutput, tags=TAGS)
    def post(self, request):
        count = services.consents_withdraw(
            actor=request.user, **validated(s.WithdrawInput, request.data)
        )
        return Response(s.WithdrawOutput({"withdrawn": count}).data)
