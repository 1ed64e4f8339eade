"""Every write of media: uploads (whole, or through an upload session), thumbnails, uses,
expiry of abandoned sessions and erasure.

Bytes are checked before anything is written: a refused file leaves no row and no object.
The slow part (decoding, probing, re-encoding) runs outside any transaction; the row and the
quota check commit together, and objects written for a row that did not commit are deleted.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from superapp.accounts import services as account_services
from superapp.core.errors import Conflict, DomainError, NotFound
from superapp.core.locks import lock_objects
from superapp.core.updates import model_update
from superapp.media import inspection, locks, selectors, storage
from superapp.media.errors import (
    MEDIA_NOT_FOUND,
    STORAGE_QUOTA_EXCEEDED,
    UPLOAD_ALREADY_COMPLETE,
    UPLOAD_INCOMPLETE,
    UPLOAD_NOT_FOUND,
)
from superapp.media.inspection import Inspected, MediaRefused, refused
from superapp.media.models import Media, MediaUse

Purpose = Media.Purpose
Kind = Media.Kind
ALLOWED_KINDS = {
    Purpose.CHAT: {Kind.IMAGE, Kind.VOICE, Kind.VIDEO, Kind.FILE},
}
IMAGES_ONLY = {Kind.IMAGE}


def allowed_kinds(purpose: str) -> set[str]:
    return {str(kind) for kind in ALLOWED_KINDS.get(purpose, IMAGES_ONLY)}


class QuotaExceeded(DomainError):
    code = STORAGE_QUOTA_EXCEEDED
    default_detail = "Your storage quota is used up; delete some media first."


def _check_quota(owner, adding: int) -> None:
    """Under a lock on the owner's row, so two uploads cannot both take the last bytes."""
    lock_objects(type(owner).objects).only("pk").get(pk=owner.pk)
    used = Media.objects.filter(owner=owner).aggregate(total=Sum("size"))["total"] or 0
    if used + adding > settings.MEDIA_USER_QUOTA_BYTES:
        raise QuotaExceeded(
            f"Your media may take at most {settings.MEDIA_USER_QUOTA_BYTES} bytes; {used} are used."
        )


def _store(inspected: Inspected, *, purpose: str) -> dict:
    """Write the checked bytes (and a video's poster); the fields of the row they make."""
    key = storage.new_key(
        public=purpose in Media.PUBLIC_PURPOSES, purpose=purpose, extension=inspected.extension
    )
    storage.save(key, inspected.data)
    poster_key = ""
    if inspected.poster:
        poster_key = storage.variant_key(key, "poster")
        storage.save(poster_key, inspected.poster)
    return {
        "key": key,
        "poster_key": poster_key,
        "kind": inspected.kind,
        "content_type": inspected.content_type,
        "size": len(inspected.data),
        "width": inspected.width,
        "height": inspected.height,
        "duration_ms": inspected.duration_ms,
    }


def _schedule_thumbnails(media: Media) -> None:
    if media.kind in (Kind.IMAGE, Kind.VIDEO):
        from superapp.media import tasks

        transaction.on_commit(lambda: tasks.make_thumbnails.delay(media.pk))


def media_upload(*, actor, purpose: str, data: bytes, filename: str = "") -> Media:
    """Check, clean and store one uploaded file; thumbnails follow from a Celery task."""
    inspected = inspection.inspect(data, allowed_kinds=allowed_kinds(purpose))
    fields = _store(inspected, purpose=purpose)
    try:
        with transaction.atomic():
            _check_quota(actor, fields["size"])
            media = Media.objects.create(
                owner=actor,
                purpose=purpose,
                status=Media.Status.READY,
                name=_display_name(inspected, filename),
                completed_at=timezone.now(),
                **fields,
            )
            _schedule_thumbnails(media)
    except BaseException:
        storage.delete([fields["key"], fields["poster_key"]])
        raise
    return media


def _display_name(inspected: Inspected, filename: str) -> str:
    """Files keep their (cleaned) name for the download; other kinds get a neutral one."""
    if inspected.kind == Kind.FILE:
        return inspection.safe_filename(filename)
    return f"{inspected.kind}.{inspected.extension}"


# --- Upload sessions (direct, resumable-by-retry uploads) --------------------------------------


@transaction.atomic
def media_upload_start(*, actor, purpose: str, size: int, filename: str = "") -> Media:
    """Open an upload session for ``size`` bytes: the client sends them (presigned to the
    bucket, or to Plaza) and then completes the session. The announced size counts to the
    quota until then; an abandoned session expires (``MEDIA_UPLOAD_SESSION_SECONDS``)."""
    if size > settings.MEDIA_MAX_UPLOAD_BYTES:
        raise refused(
            "file_too_large",
            f"An upload may be at most {settings.MEDIA_MAX_UPLOAD_BYTES} bytes.",
            status=413,
        )
    _check_quota(actor, size)
    return Media.objects.create(
        owner=actor,
        purpose=purpose,
        status=Media.Status.PENDING,
        key=storage.new_upload_key(),
        size=size,
        name=inspection.safe_filename(filename),
        expires_at=timezone.now() + timedelta(seconds=settings.MEDIA_UPLOAD_SESSION_SECONDS),
    )


def _open_session(*, actor, media_id: int) -> Media:
    media = Media.objects.filter(pk=media_id, owner=actor).first()
    if media is None or (
        media.status == Media.Status.PENDING and media.expires_at < timezone.now()
    ):
        raise NotFound("No such upload.", code=UPLOAD_NOT_FOUND)
    if media.status != Media.Status.PENDING:
        raise Conflict("This upload is already complete.", code=UPLOAD_ALREADY_COMPLETE)
    return media


def media_upload_receive(*, actor, media_id: int, stream) -> Media:
    """Store the session's bytes sent to Plaza itself (``stream`` is read in chunks, never
    past the announced size)."""
    media = _open_session(actor=actor, media_id=media_id)
    data = bytearray()
    while chunk := stream.read(64 * 1024):
        data += chunk
        if len(data) > media.size:
            raise refused(
                "file_too_large", f"This upload announced {media.size} bytes.", status=413
            )
    if not data:
        raise refused("empty_file", "The file is empty.")
    storage.delete([media.key])
    storage.save(media.key, bytes(data))
    return media


def media_upload_complete(*, actor, media_id: int) -> Media:
    """Check the session's bytes as a whole upload is checked; a refused file is deleted
    with its session, so nothing of it stays."""
    media = _open_session(actor=actor, media_id=media_id)
    if not storage.exists(media.key):
        raise Conflict("No bytes were received for this upload.", code=UPLOAD_INCOMPLETE)
    staged_key = media.key
    data = storage.read(staged_key)
    try:
        if len(data) > media.size:
            raise refused(
                "file_too_large", f"This upload announced {media.size} bytes.", status=413
            )
        inspected = inspection.inspect(data, allowed_kinds=allowed_kinds(media.purpose))
    except MediaRefused:
        storage.delete([staged_key])
        Media.objects.filter(pk=media.pk, status=Media.Status.PENDING).delete()
        raise
    fields = _store(inspected, purpose=media.purpose)
    try:
        with transaction.atomic():
            locked = locks.media().get(pk=media.pk)
            if locked.status != Media.Status.PENDING:
                raise Conflict("This upload is already complete.", code=UPLOAD_ALREADY_COMPLETE)
            completed = {
                **fields,
                "status": Media.Status.READY,
                "expires_at": None,
                "completed_at": timezone.now(),
            }
            if inspected.kind != Kind.FILE:
                completed["name"] = _display_name(inspected, "")
            model_update(locked, completed, fields=[*completed])
            _schedule_thumbnails(locked)
    except BaseException:
        storage.delete([fields["key"], fields["poster_key"]])
        raise
    storage.delete([staged_key])
    return locked


def media_sessions_expire(*, limit: int = 500) -> int:
    """Delete abandoned upload sessions and their staged bytes; how many went."""
    expired = list(
        Media.objects.filter(status=Media.Status.PENDING, expires_at__lt=timezone.now())
        .order_by("expires_at")
        .values_list("pk", "key")[:limit]
    )
    for media_id, key in expired:
        storage.delete([key])
        Media.objects.filter(pk=media_id, status=Media.Status.PENDING).delete()
    return len(expired)


# --- Thumbnails --------------------------------------------------------------------------------


def media_thumbnails_make(*, media_id: int) -> Media | None:
    """WebP thumbnails (``MEDIA_THUMBNAIL_SIZES``, no larger than the source) of an image or a
    video's poster. Idempotent: a repeat replaces nothing already made."""
    media = Media.objects.filter(pk=media_id, status=Media.Status.READY).first()
    if media is None or media.thumbnails:
        return media
    source_key = media.key if media.kind == Kind.IMAGE else media.poster_key
    if not source_key:
        return media
    source = storage.read(source_key)
    longest = max(media.width or 0, media.height or 0) or max(settings.MEDIA_THUMBNAIL_SIZES)
    sizes = [s for s in settings.MEDIA_THUMBNAIL_SIZES if s < longest] or [
        min(settings.MEDIA_THUMBNAIL_SIZES)
    ]
    made = {}
    for size, data in inspection.thumbnails(source, sizes).items():
        key = storage.variant_key(media.key, f"w{size}")
        storage.save(key, data)
        made[str(size)] = key
    updated = Media.objects.filter(pk=media.pk, thumbnails={}).update(thumbnails=made)
    if not updated:  # erased meanwhile, or another worker was first
        storage.delete(made.values())
        return Media.objects.filter(pk=media.pk).first()
    media.thumbnails = made
    return media


# --- Uses --------------------------------------------------------------------------------------


def media_use_record(*, media_ids, context: str, context_id: int) -> None:
    """Media now shown in ``context`` (checked by ``selectors.media_to_attach`` before)."""
    MediaUse.objects.bulk_create(
        [MediaUse(media_id=m, context=context, context_id=context_id) for m in media_ids],
        ignore_conflicts=True,
    )


@transaction.atomic
def avatar_set(*, actor, media_id: int):
    """``actor``'s upload (purpose ``avatar``) becomes their profile photo; the profile keeps
    its lasting, cacheable address in ``avatar_url`` (which also still takes any URL)."""
    (url,) = selectors.public_image_urls(actor=actor, references=[media_id], purpose="avatar")
    return account_services.profile_update_nested(user=actor, avatar_url=url)


# --- Deletion ----------------------------------------------------------------------------------


@transaction.atomic
def media_delete(*, actor, media_id: int) -> None:
    """The uploader deletes their media: the row now, the objects once that commits."""
    media = Media.objects.filter(pk=media_id, owner=actor).first()
    if media is None:
        raise NotFound("No such media.", code=MEDIA_NOT_FOUND)
    keys = media.stored_keys()
    media.delete()
    transaction.on_commit(lambda: storage.delete(keys))


def media_erase_owner(*, owner) -> int:
    """Every upload of ``owner`` (sessions too): rows now, objects after the erasure
    commits (a rolled-back erasure keeps them). Returns how many."""
    media = list(Media.objects.filter(owner=owner))
    keys = [key for item in media for key in item.stored_keys()]
    Media.objects.filter(pk__in=[m.pk for m in media]).delete()
    transaction.on_commit(lambda: storage.delete(keys))
    return len(media)
