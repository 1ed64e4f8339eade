from django.conf import settings
from rest_framework import serializers

from superapp.media.models import Media


class AvatarInput(serializers.Serializer):
    media = serializers.IntegerField(min_value=1, help_text="An upload with purpose 'avatar'.")


class AvatarOutput(serializers.Serializer):
    avatar_url = serializers.URLField()


class UploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    purpose = serializers.ChoiceField(choices=Media.Purpose.choices)


class UploadStartInput(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Media.Purpose.choices)
    size = serializers.IntegerField(
        min_value=1,
        help_text="Bytes to send (at most MEDIA_MAX_UPLOAD_BYTES, "
        f"{settings.MEDIA_MAX_UPLOAD_BYTES}).",
    )
    filename = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class MediaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Media.Purpose.choices)
    kind = serializers.CharField(help_text="image, voice, video or file (empty while pending)")
    status = serializers.ChoiceField(choices=Media.Status.choices)
    content_type = serializers.CharField(help_text="Sniffed from the bytes.")
    size = serializers.IntegerField()
    name = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    url = serializers.URLField(
        allow_null=True,
        help_text="Serves the bytes; signed and expiring for chat and Moments media.",
    )
    thumbnails = serializers.DictField(
        child=serializers.URLField(),
        help_text="WebP thumbnails by longest side in px; filled in shortly after upload.",
    )
    poster_url = serializers.URLField(allow_null=True, help_text="A video's first frame (WebP).")
    created_at = serializers.DateTimeField()


class UploadTarget(serializers.Serializer):
    method = serializers.ChoiceField(choices=["POST", "PUT"])
    url = serializers.URLField()
    fields = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="POST: form fields to send before the `file` field (a presigned bucket form).",
    )
    headers = serializers.DictField(child=serializers.CharField(), required=False)


class UploadSessionOutput(MediaOutput):
    expires_at = serializers.DateTimeField()
    upload = UploadTarget(help_text="Where to send the bytes (with progress), then complete.")
    complete_url = serializers.URLField()
