from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from superapp.messaging.models import Conversation, Member, Message
from superapp.messaging.payloads import USER_TYPES


class ChatUser(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class MessageOutput(serializers.Serializer):
    """Documents ``Message.as_dict()``, the shape shared by answers and events."""

    id = serializers.IntegerField()
    conversation_id = serializers.IntegerField()
    seq = serializers.IntegerField()
    type = serializers.ChoiceField(choices=Message.Type.choices)
    text = serializers.CharField()
    payload = serializers.DictField()
    sender = ChatUser(allow_null=True)
    client_msg_id = serializers.CharField(allow_null=True)
    mentions = serializers.ListField(child=serializers.IntegerField(), help_text="User ids.")
    mentions_all = serializers.BooleanField()
    recalled = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def to_representation(self, message):
        return message.as_dict()


class ConversationMemberOutput(serializers.ModelSerializer):
    user = ChatUser()

    class Meta:
        model = Member
        fields = ["user", "role", "joined_at"]


class ConversationOutput(serializers.Serializer):
    """A conversation as one member sees it (built from their ``Member`` row)."""

    id = serializers.IntegerField(source="conversation.id")
    kind = serializers.CharField(source="conversation.kind", help_text="direct, group or service")
    title = serializers.CharField(source="conversation.title")
    announcement = serializers.CharField(source="conversation.announcement")
    role = serializers.CharField()
    last_seq = serializers.IntegerField(source="conversation.last_seq")
    read_seq = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    mentioned = serializers.BooleanField(help_text="An unread message mentions you.")
    member_count = serializers.IntegerField()
    peer = serializers.SerializerMethodField()
    last_message = MessageOutput(source="conversation.last_message", allow_null=True)
    last_activity_at = serializers.DateTimeField()

    @extend_schema_field(ChatUser(allow_null=True, help_text="The other member of a direct chat."))
    def get_peer(self, member) -> dict | None:
        peers = member.conversation.peers
        return ChatUser(peers[0].user).data if peers else None


class ConversationDetailOutput(ConversationOutput):
    members = ConversationMemberOutput(many=True, source="conversation.all_members")


class ConversationCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Conversation.Kind.DIRECT, Conversation.Kind.GROUP])
    members = serializers.ListField(
        child=serializers.CharField(max_length=32),
        min_length=1,
        max_length=settings.GROUP_MAX_MEMBERS,
        help_text="Usernames (a direct chat: exactly one).",
    )
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["kind"] == Conversation.Kind.DIRECT and len(attrs["members"]) != 1:
            raise serializers.ValidationError({"members": ["A direct chat has one other member."]})
        return attrs


class ConversationUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    announcement = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MembersAddInput(serializers.Serializer):
    usernames = serializers.ListField(
        child=serializers.CharField(max_length=32),
        min_length=1,
        max_length=settings.GROUP_MAX_MEMBERS,
    )


class MemberRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=[Member.Role.ADMIN, Member.Role.MEMBER])


class MessageSendInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=USER_TYPES)
    text = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    payload = serializers.DictField(required=False, default=dict)
    client_msg_id = serializers.CharField(
        max_length=64, required=False, allow_null=True, default=None
    )
    mentions = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        default=list,
        max_length=settings.GROUP_MAX_MEMBERS,
        help_text='Usernames to @-mention; "all" mentions everyone (group owner/admins).',
    )


class MessagesQuery(serializers.Serializer):
    after_seq = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=settings.MESSAGE_PAGE_MAX, default=50)


class MessagePage(serializers.Serializer):
    results = MessageOutput(many=True)
    has_more = serializers.BooleanField()
    peer_delivered_seq = serializers.IntegerField(allow_null=True, help_text="Direct chats.")
    peer_read_seq = serializers.IntegerField(allow_null=True, help_text="Direct chats.")


class SeqInput(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class PositionOutput(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    read_seq = serializers.IntegerField()
    delivered_seq = serializers.IntegerField()
    unread_count = serializers.SerializerMethodField()

    def get_unread_count(self, member) -> int:
        return member.conversation.last_seq - member.read_seq
