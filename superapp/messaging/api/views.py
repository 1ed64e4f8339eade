from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.accounts.selectors import user_by_username
from superapp.core.api import SelectorListView, validated
from superapp.core.pagination import CursorPage
from superapp.messaging import selectors, services
from superapp.messaging.api.serializers import (
    ConversationCreateInput,
    ConversationDetailOutput,
    ConversationMemberOutput,
    ConversationOutput,
    ConversationUpdateInput,
    MemberRoleInput,
    MembersAddInput,
    MessageOutput,
    MessagePage,
    MessageSendInput,
    MessagesQuery,
    PositionOutput,
    SeqInput,
)
from superapp.messaging.models import Conversation, Member

TAGS = ["messaging"]


def _detail(request, conversation_id: int, status_code=status.HTTP_200_OK) -> Response:
    member = selectors.conversation_detail(conversation_id=conversation_id, user=request.user)
    return Response(ConversationDetailOutput(member).data, status=status_code)


class ConversationPage(CursorPage):
    ordering = ("-last_activity_at", "-id")


@extend_schema_view(get=extend_schema(tags=TAGS))
class ConversationsView(SelectorListView):
    """The caller's conversations, most recently active first (GET); start one (POST).
    Opening a direct chat that exists answers 200 with it; creating one answers 201."""

    model = Member
    serializer_class = ConversationOutput
    pagination_class = ConversationPage

    @staticmethod
    def selector(request):
        return selectors.conversations_for(user=request.user)

    @extend_schema(
        request=ConversationCreateInput,
        responses={200: ConversationDetailOutput, 201: ConversationDetailOutput},
        tags=TAGS,
    )
    def post(self, request):
        data = validated(ConversationCreateInput, request.data)
        users = [user_by_username(name) for name in data["members"]]
        if data["kind"] == Conversation.Kind.DIRECT:
            conversation, created = services.direct_conversation_open(
                actor=request.user, other=users[0]
            )
        else:
            conversation, created = (
                services.group_create(actor=request.user, members=users, title=data["title"]),
                True,
            )
        return _detail(
            request, conversation.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ConversationDetailView(APIView):
    @extend_schema(request=None, responses={200: ConversationDetailOutput}, tags=TAGS)
    def get(self, request, pk: int):
        return _detail(request, pk)

    @extend_schema(
        request=ConversationUpdateInput, responses={200: ConversationDetailOutput}, tags=TAGS
    )
    def patch(self, request, pk: int):
        data = validated(ConversationUpdateInput, request.data)
        services.group_update(actor=request.user, conversation_id=pk, **data)
        return _detail(request, pk)


class MembersView(APIView):
    @extend_schema(
        request=MembersAddInput, responses={201: ConversationMemberOutput(many=True)}, tags=TAGS
    )
    def post(self, request, pk: int):
        data = validated(MembersAddInput, request.data)
        added = services.group_members_add(
            actor=request.user,
            conversation_id=pk,
            users=[user_by_username(name) for name in data["usernames"]],
        )
        return Response(
            ConversationMemberOutput(added, many=True).data, status=status.HTTP_201_CREATED
        )


class MemberDetailView(APIView):
    @extend_schema(request=MemberRoleInput, responses={200: ConversationMemberOutput}, tags=TAGS)
    def patch(self, request, pk: int, username: str):
        data = validated(MemberRoleInput, request.data)
        member = services.group_member_role_set(
            actor=request.user,
            conversation_id=pk,
            user=user_by_username(username),
            role=data["role"],
        )
        return Response(ConversationMemberOutput(member).data)

    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, pk: int, username: str):
        services.group_member_remove(
            actor=request.user, conversation_id=pk, user=user_by_username(username)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeaveView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def post(self, request, pk: int):
        services.group_leave(actor=request.user, conversation_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessagesView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("after_seq", int, description="Messages with a greater seq."),
            OpenApiParameter("limit", int, description="At most this many (max 200)."),
        ],
        responses={200: MessagePage},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        query = validated(MessagesQuery, request.query_params)
        limit = query["limit"]
        messages = selectors.messages_after(
            conversation_id=pk,
            user=request.user,
            after_seq=query["after_seq"],
            limit=limit + 1,
        )
        peer = selectors.peer_positions(conversation_id=pk, user=request.user) or {}
        return Response(
            {
                "results": [m.as_dict() for m in messages[:limit]],
                "has_more": len(messages) > limit,
                "peer_delivered_seq": peer.get("delivered_seq"),
                "peer_read_seq": peer.get("read_seq"),
            }
        )

    @extend_schema(
        request=MessageSendInput,
        responses={200: MessageOutput, 201: MessageOutput},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        """Send a message. A retry with the same ``client_msg_id`` answers 200 with the
        message already sent instead of sending it twice."""
        data = validated(MessageSendInput, request.data)
        message, created = services.message_send(actor=request.user, conversation_id=pk, **data)
        return Response(
            message.as_dict(), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ReadView(APIView):
    @extend_schema(request=SeqInput, responses={200: PositionOutput}, tags=TAGS)
    def post(self, request, pk: int):
        data = validated(SeqInput, request.data)
        member = services.conversation_read(actor=request.user, conversation_id=pk, seq=data["seq"])
        return Response(PositionOutput(member).data)


class DeliveredView(APIView):
    @extend_schema(request=SeqInput, responses={200: PositionOutput}, tags=TAGS)
    def post(self, request, pk: int):
        data = validated(SeqInput, request.data)
        member = services.conversation_delivered(
            actor=request.user, conversation_id=pk, seq=data["seq"]
        )
        return Response(PositionOutput(member).data)


class RecallView(APIView):
    @extend_schema(request=None, responses={200: MessageOutput}, tags=TAGS)
    def post(self, request, pk: int):
        message = services.message_recall(actor=request.user, message_id=pk)
        return Response(message.as_dict())
