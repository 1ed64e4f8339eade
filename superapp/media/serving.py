"""Media bytes from the filesystem backend (the embedded default; with object storage the
bucket or its CDN serves them and this answers 404).

Public keys are served to anyone with a year's cache lifetime (their keys never change).
Private keys need the signature and expiry that ``storage.url`` put in the address. Every
answer carries ``nosniff`` and a sandboxing CSP, and plain files come as attachments."""

import re

from django.http import FileResponse, JsonResponse
from django.views.decorators.http import require_GET

from superapp.core.errors import error_body, json_not_found
from superapp.media import storage

SERVED_KEY = re.compile(r"^(public|private)/[a-z]+/[A-Za-z0-9_-]+(\.(w\d+|poster))?\.[a-z0-9]+$")


@require_GET
def media_file(request, key: str):
    if storage.is_object_storage() or not SERVED_KEY.match(key):
        return json_not_found(request)
    name = request.GET.get("name", "")
    private = key.startswith(storage.PRIVATE_PREFIX)
    if private and not storage.signature_valid(
        key, request.GET.get("expires", ""), name, request.GET.get("signature", "")
    ):
        body = error_body("invalid_signature", "This address is wrong or has expired.")
        return JsonResponse(body, status=403)
    if not storage.exists(key):
        return json_not_found(request)
    response = FileResponse(
        storage.media_storage().open(key, "rb"), content_type=storage.content_type_of(key)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300" if private else storage.CACHE_FOREVER
    if key.endswith(".bin"):
        response["Content-Disposition"] = storage.attachment_disposition(name or "file")
    return response
