from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiRequest, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.core.api import validated
from superapp.core.errors import Forbidden
from superapp.core.permissions import IsShopper, is_app_user_request
from superapp.media import errors, selectors, services, storage
from superapp.media.api.serializers import (
    AvatarInput,
    AvatarOutput,
    MediaOutput,
    UploadInput,
    UploadSessionOutput,
    UploadStartInput,
)
from superapp.media.inspection import refused
from superapp.media.models import Media

TAGS = ["media"]
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _refuse_oversized_body(request) -> None:
    """Before any byte is parsed: a body larger than the largest upload is refused."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if (
        length.isdigit()
        and int(length) > settings.MEDIA_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES
    ):
        raise refused(
            "file_too_large",
            f"An upload may be at most {settings.MEDIA_MAX_UPLOAD_BYTES} bytes.",
            status=413,
        )


class MediaUploadView(APIView):
    """Upload a whole file in one multipart request (the app shows the request's progress).
    The type is sniffed from the bytes; images come back re-encoded without EXIF/GPS."""

    parser_classes = [MultiPartParser]
    # the first-party app, or a storefront's user token with the ``shop`` scope: review photos
    permission_classes = [IsShopper]

    @extend_schema(request=UploadInput, responses={201: MediaOutput}, tags=TAGS)
    def post(self, request):
        _refuse_oversized_body(request)
        data = validated(UploadInput, request.data)
        if is_app_user_request(request) and data["purpose"] != Media.Purpose.REVIEW:
            raise Forbidden(
                "A storefront's token may upload review photos only.",
                code=errors.PURPOSE_NOT_GRANTED,
            )
        upload = data["file"]
        if upload.size > settings.MEDIA_MAX_UPLOAD_BYTES:
            raise refused(
                "file_too_large",
                f"An upload may be at most {settings.MEDIA_MAX_UPLOAD_BYTES} bytes.",
                status=413,
            )
        media = services.media_upload(
            actor=request.user, purpose=data["purpose"], data=upload.read(), filename=upload.name
        )
        return Response(selectors.describe(media), status=status.HTTP_201_CREATED)


class MediaDetailView(APIView):
    @extend_schema(request=None, responses={200: MediaOutput}, tags=TAGS)
    def get(self, request, pk: int):
        """Fresh addresses for media the caller may see; 404 otherwise."""
        media = selectors.media_for_viewer(viewer=request.user, media_id=pk)
        return Response(selectors.describe(media))

    @extend_schema(request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, pk: int):
        """The uploader deletes an upload and its objects."""
        services.media_delete(actor=request.user, media_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AvatarView(APIView):
    @extend_schema(request=AvatarInput, responses={200: AvatarOutput}, tags=TAGS)
    def post(self, request):
        """Use an upload (purpose ``avatar``) as the caller's profile photo."""
        data = validated(AvatarInput, request.data)
        user = services.avatar_set(actor=request.user, media_id=data["media"])
        return Response({"avatar_url": user.avatar_url})


def _session_answer(request, media) -> dict:
    content_url = request.build_absolute_uri(reverse("media-upload-content", args=[media.pk]))
    if storage.is_object_storage():
        presigned = storage.presigned_post(
            media.key,
            max_bytes=media.size,
            expires_in=settings.MEDIA_UPLOAD_SESSION_SECONDS,
        )
        upload = {"method": "POST", "url": presigned["url"], "fields": presigned["fields"]}
    else:
        upload = {
            "method": "PUT",
            "url": content_url,
            "headers": {"Content-Type": "application/octet-stream"},
        }
    return {
        **selectors.describe(media),
        "expires_at": media.expires_at,
        "upload": upload,
        "complete_url": request.build_absolute_uri(
            reverse("media-upload-complete", args=[media.pk])
        ),
    }


class UploadSessionsView(APIView):
    @extend_schema(request=UploadStartInput, responses={201: UploadSessionOutput}, tags=TAGS)
    def post(self, request):
        """Start a direct upload. With object storage the answer holds a presigned form POST
        straight to the bucket (short-lived, size-capped); otherwise a PUT of the raw bytes
        to Plaza (with the bearer token). Then POST the complete_url."""
        data = validated(UploadStartInput, request.data)
        media = services.media_upload_start(actor=request.user, **data)
        return Response(_session_answer(request, media), status=status.HTTP_201_CREATED)


class UploadContentView(APIView):
    parser_classes = []

    @extend_schema(
        request=OpenApiRequest(
            {"application/octet-stream": {"type": "string", "format": "binary"}}
        ),
        responses={200: MediaOutput},
        tags=TAGS,
    )
    def put(self, request, pk: int):
        """The session's raw bytes (any Content-Type; the type is sniffed at completion)."""
        media = services.media_upload_receive(
            actor=request.user, media_id=pk, stream=request._request
        )
        return Response(selectors.describe(media))


class UploadCompleteView(APIView):
    @extend_schema(request=None, responses={201: MediaOutput}, tags=TAGS)
    def post(self, request, pk: int):
        """Check and store the session's bytes (refused ones are deleted with the session)."""
        media = services.media_upload_complete(actor=request.user, media_id=pk)
        return Response(selectors.describe(media), status=status.HTTP_201_CREATED)
