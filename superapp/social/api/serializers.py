from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from superapp.accounts.models import User
from superapp.core.api import ImageReference
from superapp.media import selectors as media_selectors
from superapp.social import selectors
from superapp.social.models import ContactRequest, Moment, MomentComment


class PublicUserSerializer(serializers.ModelSerializer):
    """What any signed-in user may see of another user."""

    class Meta:
        model = User
        fields = ["username", "display_name", "avatar_url", "bio", "region"]


class UserBrief(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar_url = serializers.CharField()


class ContactRequestInput(serializers.Serializer):
    to = serializers.CharField(max_length=32)
    message = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContactRequestOutput(serializers.ModelSerializer):
    from_user = UserBrief()
    to_user = UserBrief()

    class Meta:
        model = ContactRequest
        fields = ["id", "from_user", "to_user", "message", "status", "created_at", "answered_at"]


class UsernameInput(serializers.Serializer):
    username = serializers.CharField(max_length=32)


class UserLookupQuery(serializers.Serializer):
    username = serializers.CharField(max_length=32, required=False)
    qr = serializers.CharField(max_length=500, required=False)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError("Give exactly one of 'username' or 'qr'.")
        return attrs


class UserLookupOutput(PublicUserSerializer):
    """A user as ``context["viewer"]`` sees them."""

    is_contact = serializers.SerializerMethodField()

    class Meta(PublicUserSerializer.Meta):
        fields = [*PublicUserSerializer.Meta.fields, "is_contact"]

    def get_is_contact(self, user) -> bool:
        return selectors.are_contacts(self.context["viewer"], user)


class QrOutput(serializers.Serializer):
    token = serializers.CharField()
    payload = serializers.CharField(help_text="The text the QR code encodes.")
    png_url = serializers.CharField()


class Money(serializers.Serializer):
    amount = serializers.IntegerField(min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$")


class ProductTag(serializers.Serializer):
    """A product a Moment points at (shown as a card; the shop owns the product itself)."""

    product_id = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=120)
    app_id = serializers.CharField(max_length=100, required=False)
    image_url = serializers.URLField(max_length=500, required=False)
    price = Money(required=False)


class MomentInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=settings.MOMENT_TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    images = serializers.ListField(
        child=ImageReference(),
        max_length=settings.MOMENT_MAX_IMAGES,
        required=False,
        default=list,
        help_text="Up to MOMENT_MAX_IMAGES uploaded image ids (or image URLs).",
    )
    product = ProductTag(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(choices=Moment.Visibility.choices, default="contacts")
    audience = serializers.ListField(
        child=serializers.CharField(max_length=32),
        max_length=settings.MOMENT_MAX_AUDIENCE,
        required=False,
        default=list,
        help_text="Usernames of the contacts who may see a 'selected' moment.",
    )


class CommentInput(serializers.Serializer):
    text = serializers.CharField(max_length=settings.MOMENT_COMMENT_MAX_LENGTH)


class CommentOutput(serializers.ModelSerializer):
    user = UserBrief()

    class Meta:
        model = MomentComment
        fields = ["id", "user", "text", "created_at"]


class LikeOutput(serializers.Serializer):
    user = UserBrief()
    created_at = serializers.DateTimeField()


def moments_media(moments) -> dict[int, dict]:
    """The uploads shown in ``moments``, described in one query (the serializer's context)."""
    ids = [image["media"] for m in moments for image in m.images if isinstance(image, dict)]
    return media_selectors.described_by_id(ids=ids) if ids else {}


class MomentOutput(serializers.ModelSerializer):
    """``images`` are addresses to show (an upload's is signed and expires); ``media``
    describes the uploaded ones (thumbnails, sizes)."""

    author = UserBrief()
    images = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()
    likes = LikeOutput(many=True, source="visible_likes")
    comments = CommentOutput(many=True, source="visible_comments")

    class Meta:
        model = Moment
        fields = [
            "id",
            "author",
            "text",
            "images",
            "media",
            "product",
            "visibility",
            "created_at",
            "likes",
            "comments",
        ]

    def _known(self, moment) -> dict[int, dict]:
        known = self.context.get("media")
        return moments_media([moment]) if known is None else known

    def get_images(self, moment) -> list[str]:
        known = self._known(moment)
        return [
            image if isinstance(image, str) else known[image["media"]]["url"]
            for image in moment.images
            if isinstance(image, str) or image["media"] in known  # an erased upload is gone
        ]

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/MediaOutput"}})
    def get_media(self, moment) -> list[dict]:
        known = self._known(moment)
        ids = [image["media"] for image in moment.images if isinstance(image, dict)]
        return [known[i] for i in ids if i in known]


class CreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
