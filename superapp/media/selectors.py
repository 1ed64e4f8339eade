"""Reads of media: who may see an upload, what other apps may attach, and the answer (with
fresh addresses) that clients get."""

from collections import defaultdict
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from superapp.core.errors import Conflict, DomainError, InvalidInput, NotFound
from superapp.media import storage
from superapp.media.errors import (
    MEDIA_KIND_MISMATCH,
    MEDIA_NOT_FOUND,
    MEDIA_NOT_READY,
    MEDIA_WRONG_PURPOSE,
    UPLOAD_NOT_FOUND,
)
from superapp.media.models import Media, MediaUse


@cache
def _context_rule(context: str):
    return import_string(settings.MEDIA_CONTEXT_RULES[context])


def _may_see(viewer, media: Media) -> bool:
    """The uploader; anyone for public purposes; otherwise whoever may see a conversation or
    Moment the media was used in (each context's own app answers)."""
    if media.owner_id == viewer.pk or media.is_public:
        return True
    contexts = defaultdict(list)
    for context, context_id in MediaUse.objects.filter(media=media).values_list(
        "context", "context_id"
    ):
        contexts[context].append(context_id)
    return any(_context_rule(c)(viewer=viewer, ids=ids) for c, ids in contexts.items())


def media_for_viewer(*, viewer, media_id: int) -> Media:
    """A completed upload ``viewer`` may see; 404 for one that is not, or not visible."""
    media = Media.objects.filter(pk=media_id, status=Media.Status.READY).first()
    if media is None or not _may_see(viewer, media):
        raise NotFound("No such media.", code=MEDIA_NOT_FOUND)
    return media


def upload_for_owner(*, owner, media_id: int) -> Media:
    media = Media.objects.filter(pk=media_id, owner=owner).first()
    if media is None:
        raise NotFound("No such upload.", code=UPLOAD_NOT_FOUND)
    return media


def media_to_attach(*, actor, media_ids: list[int], purpose: str, kinds=None) -> list[Media]:
    """``actor``'s own completed uploads made for ``purpose`` (of ``kinds``), in the given
    order; anything else is refused with a stable code."""
    found = Media.objects.filter(pk__in=media_ids, owner=actor).in_bulk()
    attached = []
    for media_id in media_ids:
        media = found.get(media_id)
        if media is None:
            raise NotFound(f"No media {media_id} of yours.", code=MEDIA_NOT_FOUND)
        if media.status != Media.Status.READY:
            raise Conflict(f"Media {media_id} is not completed yet.", code=MEDIA_NOT_READY)
        if media.purpose != purpose:
            raise DomainError(
                f"Media {media_id} was uploaded for {media.purpose}, not {purpose}.",
                code=MEDIA_WRONG_PURPOSE,
            )
        if kinds and media.kind not in kinds:
            raise InvalidInput(
                f"Media {media_id} is a {media.kind}, not a {' or '.join(kinds)}.",
                code=MEDIA_KIND_MISMATCH,
            )
        attached.append(media)
    return attached


def public_image_urls(*, actor, references: list, purpose: str) -> list[str]:
    """For fields that hold image URLs (avatars, product and review photos, covers): each
    upload id among ``references`` becomes the lasting, cacheable address of ``actor``'s
    public image uploaded for ``purpose``; URLs stay as they are."""
    ids = [r for r in references if isinstance(r, int)]
    uploads = iter(media_to_attach(actor=actor, media_ids=ids, purpose=purpose, kinds=["image"]))
    return [storage.url(next(uploads).key) if isinstance(r, int) else r for r in references]


def describe(media: Media, *, expires_in: int | None = None) -> dict:
    """What a client needs to show ``media``; private addresses are signed for
    ``expires_in`` seconds (``MEDIA_SIGNED_URL_SECONDS``)."""
    download_name = media.name if media.kind == Media.Kind.FILE else ""

    def address(key: str, name: str = "") -> str:
        return storage.url(key, expires_in=expires_in, download_name=name)

    return {
        "id": media.pk,
        "purpose": media.purpose,
        "kind": media.kind,
        "status": media.status,
        "content_type": media.content_type,
        "size": media.size,
        "name": media.name,
        "width": media.width,
        "height": media.height,
        "duration_ms": media.duration_ms,
        "url": address(media.key, download_name) if media.status == Media.Status.READY else None,
        "thumbnails": {size: address(key) for size, key in sorted(media.thumbnails.items())},
        "poster_url": address(media.poster_key) if media.poster_key else None,
        "created_at": media.created_at,
    }


def described_by_id(*, ids) -> dict[int, dict]:
    """``{id: describe(media)}`` for completed media among ``ids``, in one query (callers
    have already decided the viewer may see them)."""
    return {
        media.pk: describe(media)
        for media in Media.objects.filter(pk__in=set(ids), status=Media.Status.READY)
    }


def uploads_of(*, owner):
    return Media.objects.filter(owner=owner).order_by("id")
