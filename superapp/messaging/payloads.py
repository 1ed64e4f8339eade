"""What each message type carries, validated the same way for users and for the platform."""

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework import serializers

from superapp.core.api import validated
from superapp.core.errors import InvalidInput
from superapp.messaging.errors import TEXT_TOO_LONG
from superapp.messaging.models import Message

Type = Message.Type


class Money(serializers.Serializer):
    amount = serializers.IntegerField(min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$")


class ImageUrlPayload(serializers.Serializer):
    """An image hosted elsewhere (the form clients used before uploads; still accepted)."""

    url = serializers.URLField(max_length=500)
    width = serializers.IntegerField(min_value=1, max_value=20000)
    height = serializers.IntegerField(min_value=1, max_value=20000)
    size = serializers.IntegerField(min_value=1, max_value=settings.MESSAGE_IMAGE_MAX_BYTES)


class MediaPayload(serializers.Serializer):
    """An upload (``POST /api/v1/media``, purpose ``chat``); ``message_send`` checks it is the
    sender's own, completed, of the message's kind, and adds what it is (size, duration...)."""

    media = serializers.IntegerField(min_value=1)


class ImagePayload(serializers.Serializer):
    """``{media: id}``, or the older ``{url, width, height, size}``."""

    def to_internal_value(self, data):
        form = MediaPayload if isinstance(data, dict) and "media" in data else ImageUrlPayload
        return validated(form, data)


class ProductPayload(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=120)
    price = Money()
    image_url = serializers.URLField(max_length=500, required=False)
    app_id = serializers.CharField(max_length=100, required=False)


class MiniProgramPayload(serializers.Serializer):
    app_id = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=120)
    path = serializers.CharField(max_length=500)
    thumb_url = serializers.URLField(max_length=500, required=False)


class OfficialAccountPayload(serializers.Serializer):
    """An official account's card; its name and avatar are the account's own (checked)."""

    account_id = serializers.IntegerField(min_value=1)


class RedPacketPayload(serializers.Serializer):
    red_packet_id = serializers.IntegerField(min_value=1)
    greeting = serializers.CharField(max_length=100, required=False, allow_blank=True)


class FreeFormPayload(serializers.Serializer):
    """System notices and notifications: the platform decides what they carry."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Must be an object.")
        return data


PAYLOADS = {
    Type.IMAGE: ImagePayload,
    Type.VOICE: MediaPayload,
    Type.VIDEO: MediaPayload,
    Type.FILE: MediaPayload,
    Type.PRODUCT: ProductPayload,
    Type.MINIPROGRAM: MiniProgramPayload,
    Type.OFFICIAL_ACCOUNT: OfficialAccountPayload,
    Type.RED_PACKET: RedPacketPayload,
    Type.SYSTEM: FreeFormPayload,
    Type.NOTIFICATION: FreeFormPayload,
}
USER_TYPES = (
    Type.TEXT,
    Type.IMAGE,
    Type.VOICE,
    Type.VIDEO,
    Type.FILE,
    Type.PRODUCT,
    Type.MINIPROGRAM,
    Type.OFFICIAL_ACCOUNT,
)
# What an attached upload tells every reader of the message (the address is fetched with
# GET /api/v1/media/{id}: it is signed and expires).
MEDIA_FACTS = ("kind", "content_type", "size", "name", "width", "height", "duration_ms")


def validated_content(*, type: str, text: str, payload: dict | None) -> tuple[str, dict]:
    """``(text, payload)`` cleaned for ``type``, or 400 with the offending fields."""
    if type not in Type.values:
        raise InvalidInput(fields={"type": [f"Unknown message type {type!r}."]})
    if len(text) > settings.MESSAGE_TEXT_MAX_LENGTH:
        raise InvalidInput(
            "The text is too long.",
            code=TEXT_TOO_LONG,
            fields={"text": [f"At most {settings.MESSAGE_TEXT_MAX_LENGTH} characters."]},
        )
    if type == Type.TEXT:
        if not text.strip():
            raise InvalidInput(fields={"text": ["A text message needs text."]})
        return text, {}
    # Not validated(): the payload's errors are answered under "payload", and this runs for
    # platform messages as well as for API requests.
    serializer = PAYLOADS[type](data=payload if payload is not None else {})
    if not serializer.is_valid():
        raise InvalidInput(fields={"payload": serializer.errors})
    cleaned = _plain(serializer.validated_data)
    if check := settings.MESSAGING_CARD_CHECKS.get(type):
        cleaned = import_string(check)(cleaned)
    return text, cleaned


def _plain(data):
    """Validated data as plain dicts (nested serializers give OrderedDicts)."""
    return {k: _plain(v) for k, v in data.items()} if isinstance(data, dict) else data
