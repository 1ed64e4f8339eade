from datetime import datetime, timedelta

from django.conf import settings
from rest_framework import serializers

from superapp.official.models import (
    Article,
    Brand,
    BrandAuditEntry,
    Broadcast,
    CannedReply,
    KeywordReply,
    OfficialAccount,
    ServiceConversation,
    ServiceMessage,
)
from superapp.official.selectors import InboxFilter, service_window_is_open


class BrandCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class BrandOutput(serializers.ModelSerializer):
    verified = serializers.BooleanField(source="is_verified")

    class Meta:
        model = Brand
        fields = ["id", "name", "verified", "verification_requested_at", "created_at"]


class StaffBrandsQuery(serializers.Serializer):
    verified = serializers.BooleanField(
        required=False, default=False, help_text="false (default): brands awaiting verification."
    )


class AuditEntryOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = BrandAuditEntry
        fields = ["id", "actor", "action", "target", "details", "created_at"]


class CallbackInput(serializers.Serializer):
    url = serializers.URLField(max_length=500)


class CallbackOutput(serializers.Serializer):
    url = serializers.URLField()
    secret = serializers.CharField(help_text="HMAC-SHA256 key of Plaza-Signature; shown once.")


# --- Accounts, menus, articles, broadcasts ----------------------------------------------------


class AccountCreateInput(serializers.Serializer):
    brand = serializers.IntegerField()
    name = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=OfficialAccount.Kind.choices)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    avatar_url = serializers.URLField(max_length=500, required=False, allow_blank=True)


class AccountUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=64, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    avatar_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    avatar_media = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Instead of avatar_url: the id of the caller's upload with purpose 'avatar'.",
    )


class AccountOutput(serializers.ModelSerializer):
    brand = BrandOutput()
    follower_count = serializers.IntegerField()

    class Meta:
        model = OfficialAccount
        fields = [
            "id",
            "brand",
            "name",
            "kind",
            "description",
            "avatar_url",
            "menu",
            "follower_count",
            "created_at",
        ]


class ProfileOutput(AccountOutput):
    following = serializers.BooleanField()

    class Meta(AccountOutput.Meta):
        fields = [*AccountOutput.Meta.fields, "following"]


class FollowOutput(serializers.Serializer):
    following = serializers.BooleanField()
    follower_count = serializers.IntegerField()


MENU_ACTION_TYPES = ["link", "miniprogram", "keyword", "article"]
LINK_TYPES = ["product", "miniprogram", "url"]
BLOCK_TYPES = ["heading", "paragraph", "quote", "image"]


class MenuActionInput(serializers.Serializer):
    """One menu action. ``type`` says which target field is required."""

    REQUIRED = {
        "link": ("url",),
        "miniprogram": ("app_id", "path"),
        "keyword": ("keyword",),
        "article": ("article_id",),
    }

    name = serializers.CharField(max_length=16)
    type = serializers.ChoiceField(choices=MENU_ACTION_TYPES)
    url = serializers.URLField(max_length=500, required=False)
    app_id = serializers.CharField(max_length=32, required=False)
    path = serializers.CharField(max_length=200, required=False)
    keyword = serializers.CharField(max_length=32, required=False)
    article_id = serializers.IntegerField(
        min_value=1, required=False, help_text="type article: one of the account's articles."
    )

    def validate(self, attrs):
        missing = [f for f in self.REQUIRED.get(attrs.get("type"), ()) if not attrs.get(f)]
        if missing:
            raise serializers.ValidationError({f: ["Required for this type."] for f in missing})
        return attrs


class MenuItemInput(MenuActionInput):
    """A top-level item: an action itself, or a sub-menu of actions."""

    type = serializers.ChoiceField(choices=MENU_ACTION_TYPES, required=False)
    sub_items = MenuActionInput(many=True, required=False)


class MenuInput(serializers.Serializer):
    menu = MenuItemInput(many=True)


class LinkInput(serializers.Serializer):
    """A card to a product, a mini-program page or a web page."""

    REQUIRED = {"product": ("product_id",), "miniprogram": ("app_id", "path"), "url": ("url",)}

    type = serializers.ChoiceField(choices=LINK_TYPES)
    title = serializers.CharField(max_length=120)
    product_id = serializers.IntegerField(min_value=1, required=False)
    app_id = serializers.CharField(max_length=32, required=False)
    path = serializers.CharField(max_length=200, required=False)
    url = serializers.URLField(max_length=500, required=False)

    def validate(self, attrs):
        missing = [f for f in self.REQUIRED[attrs["type"]] if not attrs.get(f)]
        if missing:
            raise serializers.ValidationError({f: ["Required for this type."] for f in missing})
        return attrs


class BlockInput(serializers.Serializer):
    """A rich-text block: heading, paragraph or quote (``text``), image (``url``, ``alt``)."""

    type = serializers.ChoiceField(choices=BLOCK_TYPES)
    text = serializers.CharField(max_length=5000, required=False)
    url = serializers.URLField(max_length=500, required=False)
    alt = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, attrs):
        needed = "url" if attrs["type"] == "image" else "text"
        if not attrs.get(needed):
            raise serializers.ValidationError({needed: ["Required for this block type."]})
        return attrs


class ArticleInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    cover_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    cover_media = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Instead of cover_url: the id of the caller's upload with purpose 'article'.",
    )
    body = BlockInput(many=True, allow_empty=False, max_length=200)
    links = LinkInput(many=True, default=list, max_length=10)


class ArticleOutput(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "account", "title", "cover_url", "body", "links", "created_at"]


class BroadcastInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=5000)
    links = LinkInput(many=True, default=list, max_length=10)
    article = serializers.IntegerField(required=False, min_value=1)


class BroadcastOutput(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name")

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "account",
            "account_name",
            "title",
            "body",
            "links",
            "article",
            "created_at",
        ]


class BroadcastQuotaOutput(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "month"])
    limit = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    resets_at = serializers.DateTimeField()


class FollowerStatsQuery(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=30)


class FollowerDayOutput(serializers.Serializer):
    day = serializers.DateField()
    followers = serializers.IntegerField()


class FollowerStatsOutput(serializers.Serializer):
    results = FollowerDayOutput(many=True)


class FeedQuery(serializers.Serializer):
    cursor = serializers.CharField(required=False, max_length=64)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)


class FeedOutput(serializers.Serializer):
    results = BroadcastOutput(many=True)
    next = serializers.CharField(allow_null=True)


class KeywordReplyInput(serializers.Serializer):
    keyword = serializers.CharField(max_length=32)
    match = serializers.ChoiceField(choices=KeywordReply.Match.choices, default="exact")
    reply = serializers.CharField(max_length=1000)


class KeywordReplyUpdateInput(serializers.Serializer):
    keyword = serializers.CharField(max_length=32, required=False)
    match = serializers.ChoiceField(choices=KeywordReply.Match.choices, required=False)
    reply = serializers.CharField(max_length=1000, required=False)


class KeywordReplyOutput(serializers.ModelSerializer):
    class Meta:
        model = KeywordReply
        fields = ["id", "keyword", "match", "reply", "created_at"]


# --- Customer service -------------------------------------------------------------------------


class ServiceMessageInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class ServiceMessageOutput(serializers.ModelSerializer):
    sent_by = serializers.CharField(source="sent_by.username", default=None, allow_null=True)

    class Meta:
        model = ServiceMessage
        fields = ["id", "direction", "kind", "title", "text", "sent_by", "created_at"]


class FollowerMessageOutput(serializers.ModelSerializer):
    """A follower sees what the brand said, never which associate said it."""

    class Meta:
        model = ServiceMessage
        fields = ["id", "direction", "kind", "title", "text", "created_at"]


class InboxQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=InboxFilter.CHOICES, default=InboxFilter.ALL)
    follower = serializers.CharField(
        max_length=150, required=False, help_text="Only this follower's conversations (username)."
    )


class HandoverInput(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="The colleague taking it over.")


class CannedReplyInput(serializers.Serializer):
    title = serializers.CharField(max_length=60)
    text = serializers.CharField(max_length=2000)


class CannedReplyUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=60, required=False)
    text = serializers.CharField(max_length=2000, required=False)


class CannedReplyOutput(serializers.ModelSerializer):
    class Meta:
        model = CannedReply
        fields = ["id", "title", "text", "created_at"]


class ServiceConversationOutput(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name")
    follower = serializers.CharField(source="user.display_name")
    follower_username = serializers.CharField(source="user.username")
    claimed_by = serializers.CharField(source="claimed_by.username", default=None, allow_null=True)
    last_text = serializers.CharField(allow_null=True, default=None)
    awaiting_reply = serializers.SerializerMethodField(
        help_text="The follower spoke last: the conversation waits for an answer."
    )
    window_open = serializers.SerializerMethodField()
    window_closes_at = serializers.SerializerMethodField()
    replies_left = serializers.SerializerMethodField()

    class Meta:
        model = ServiceConversation
        fields = [
            "id",
            "account",
            "account_name",
            "follower",
            "follower_username",
            "claimed_by",
            "claimed_at",
            "last_text",
            "last_message_at",
            "awaiting_reply",
            "window_opened_at",
            "window_closes_at",
            "replies_in_window",
            "replies_left",
            "window_open",
        ]

    def get_awaiting_reply(self, conversation) -> bool:
        direction = getattr(conversation, "last_direction", None)
        if direction is None:
            last = conversation.messages.order_by("-id").values_list("direction", flat=True)
            direction = last.first()
        return direction == ServiceMessage.Direction.FROM_FOLLOWER

    def get_window_closes_at(self, conversation) -> datetime | None:
        opened = conversation.window_opened_at
        if opened is None:
            return None
        return opened + timedelta(hours=settings.OFFICIAL_SERVICE_WINDOW_HOURS)

    def get_replies_left(self, conversation) -> int:
        left = settings.OFFICIAL_SERVICE_WINDOW_MAX_REPLIES - conversation.replies_in_window
        return max(0, left) if service_window_is_open(conversation) else 0

    def get_window_open(self, conversation) -> bool:
        return service_window_is_open(conversation)
