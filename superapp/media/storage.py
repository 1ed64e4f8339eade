"""Where media bytes live and the addresses clients fetch them from.

One storage for every media object, picked by settings: the local filesystem under
``MEDIA_ROOT`` (the embedded default) or, with ``MEDIA_STORAGE_URL``, an S3-compatible bucket
through django-storages. Keys say who may read them: ``public/…`` (product photos, avatars,
article and live covers: cacheable, unsigned URLs, a CDN may sit in front) and ``private/…``
(chat and Moments media: signed URLs that expire). ``uploads/…`` holds the bytes of unfinished
upload sessions and is never served.
"""

import hashlib
import hmac
import mimetypes
import secrets
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage

PUBLIC_PREFIX = "public/"
PRIVATE_PREFIX = "private/"
UPLOADS_PREFIX = "uploads/"
CACHE_FOREVER = "public, max-age=31536000, immutable"

# The only extensions Plaza writes, and the type each is served as.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "mp4": "video/mp4",
    "bin": "application/octet-stream",
}


class MediaS3Storage(S3Storage):
    """django-storages' S3 backend; public keys carry a long cache lifetime for the CDN, and
    every object its own type (from the extension Plaza chose after sniffing the bytes)."""

    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        extension = name.rsplit(".", 1)[-1]
        parameters["ContentType"] = CONTENT_TYPES.get(extension, "application/octet-stream")
        if name.startswith(PUBLIC_PREFIX):
            parameters["CacheControl"] = CACHE_FOREVER
        return parameters


@dataclass(frozen=True)
class S3Location:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str
    region: str


def parse_storage_url(url: str) -> S3Location:
    """``s3://KEY:SECRET@host[:port]/bucket?region=R`` (HTTPS endpoint) or ``s3+http://…``."""
    parts = urlsplit(url)
    if parts.scheme not in ("s3", "s3+http", "s3+https"):
        raise ValueError("MEDIA_STORAGE_URL must start with s3://, s3+http:// or s3+https://")
    scheme = "http" if parts.scheme == "s3+http" else "https"
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    query = parse_qs(parts.query)
    return S3Location(
        endpoint_url=f"{scheme}://{host}",
        access_key=parts.username or "",
        secret_key=parts.password or "",
        bucket=parts.path.strip("/"),
        region=query.get("region", ["us-east-1"])[0],
    )


@cache
def media_storage() -> Storage:
    """The process's media storage (settings tests change call ``media_storage.cache_clear``)."""
    if settings.MEDIA_STORAGE_URL:
        location = parse_storage_url(settings.MEDIA_STORAGE_URL)
        return MediaS3Storage(
            bucket_name=location.bucket,
            endpoint_url=location.endpoint_url,
            access_key=location.access_key,
            secret_key=location.secret_key,
            region_name=location.region,
            addressing_style="path",
            signature_version="s3v4",
            # Keys carry 144 random bits: asking the bucket first whether one exists (a HEAD
            # before every write, which file_overwrite=False does) only cost a round trip.
            file_overwrite=True,
            querystring_auth=True,
            querystring_expire=settings.MEDIA_SIGNED_URL_SECONDS,
        )
    return FileSystemStorage(location=settings.MEDIA_ROOT)


def is_object_storage() -> bool:
    return isinstance(media_storage(), S3Storage)


def new_key(*, public: bool, purpose: str, extension: str) -> str:
    prefix = PUBLIC_PREFIX if public else PRIVATE_PREFIX
    return f"{prefix}{purpose}/{secrets.token_urlsafe(18)}.{extension}"


def new_upload_key() -> str:
    return f"{UPLOADS_PREFIX}{secrets.token_urlsafe(18)}"


def variant_key(key: str, variant: str) -> str:
    """``private/chat/abc.jpg`` → ``private/chat/abc.w480.webp`` (thumbnails, posters)."""
    return f"{key.rsplit('.', 1)[0]}.{variant}.webp"


def save(key: str, data: bytes) -> None:
    stored = media_storage().save(key, ContentFile(data))
    if stored != key:  # keys are random: a clash means the storage renamed it; never reuse
        media_storage().delete(stored)
        raise RuntimeError(f"media key {key!r} already existed")


def read(key: str) -> bytes:
    with media_storage().open(key, "rb") as stored:
        return stored.read()


def delete(keys) -> None:
    storage = media_storage()
    for key in keys:
        if key:
            storage.delete(key)


def exists(key: str) -> bool:
    return media_storage().exists(key)


# --- Addresses ---------------------------------------------------------------------------------


def _signature(key: str, expires: int, name: str) -> str:
    message = f"{key}\n{expires}\n{name}".encode()
    secret = hashlib.sha256(b"plaza-media-url:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signature_valid(key: str, expires: str, name: str, signature: str) -> bool:
    """True while ``expires`` (unix seconds) is in the future and the signature is ours."""
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return hmac.compare_digest(_signature(key, int(expires), name), signature)


def attachment_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the RFC 5987 UTF-8 name."""
    ascii_name = name.encode("ascii", "ignore").decode() or "file"
    ascii_name = "".join(c if c.isalnum() or c in "._- " else "_" for c in ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def url(key: str, *, expires_in: int | None = None, download_name: str = "") -> str:
    """The address that serves ``key``: unsigned and cacheable for public keys; signed and
    valid for ``expires_in`` seconds (``MEDIA_SIGNED_URL_SECONDS``) for private ones. With
    ``download_name`` the bytes come as an attachment of that name."""
    if key.startswith(PUBLIC_PREFIX):
        return _public_url(key)
    expires_in = expires_in or settings.MEDIA_SIGNED_URL_SECONDS
    storage = media_storage()
    if isinstance(storage, S3Storage):
        parameters = {}
        if download_name:
            parameters["ResponseContentDisposition"] = attachment_disposition(download_name)
        return storage.url(key, parameters=parameters or None, expire=expires_in)
    expires = int(time.time()) + expires_in
    query = {"expires": expires, "signature": _signature(key, expires, download_name)}
    if download_name:
        query["name"] = download_name
    return f"{settings.MEDIA_BASE_URL}{key}?{urlencode(query)}"


def _public_url(key: str) -> str:
    if settings.MEDIA_PUBLIC_BASE_URL:
        return f"{settings.MEDIA_PUBLIC_BASE_URL.rstrip('/')}/{key}"
    storage = media_storage()
    if isinstance(storage, S3Storage):
        location = parse_storage_url(settings.MEDIA_STORAGE_URL)
        return f"{location.endpoint_url}/{location.bucket}/{key}"
    return f"{settings.MEDIA_BASE_URL}{key}"


def presigned_post(key: str, *, max_bytes: int, expires_in: int) -> dict:
    """A browser-ready form upload straight to the bucket: ``{url, fields}``; the bucket
    refuses a body larger than ``max_bytes`` or sent after ``expires_in`` seconds."""
    storage = media_storage()
    client = storage.connection.meta.client
    return client.generate_presigned_post(
        Bucket=storage.bucket_name,
        Key=key,
        Conditions=[["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )


def content_type_of(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1]) or (
        mimetypes.guess_type(key)[0] or "application/octet-stream"
    )
