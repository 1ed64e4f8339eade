"""Opening and sharing: entry records, chat cards and share links."""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from miniprograms import bundles, links, selectors
from miniprograms.errors import MINIPROGRAM_NOT_FOUND
from miniprograms.models import (
    EntryVisit,
    ShareLink,
)
from superapp.core.errors import INVALID_CARD, InvalidInput, NotFound

# --- Opening, sharing --------------------------------------------------------------------------


@transaction.atomic
def entry_record(*, user, app_id: str, source: str, scene: str = "", path: str = ""):
    """The consumer opens the app from ``source``: counted for the developer's analytics."""
    miniprogram, version = selectors.miniprogram_for_consumer(app_id=app_id, user=user)
    EntryVisit.objects.create(
        miniprogram=miniprogram, user=user, source=source, scene=scene, path=path
    )
    return miniprogram, version


def card_payload_validate(*, app_id: str, title: str, page_path: str, image_url: str) -> dict:
    """The normalised payload of a mini-program card message (messaging stores it as the
    message's ``miniprogram`` card): the app must be released and the page one of its pages."""
    errors = {}
    if not 1 <= len(title.strip()) <= 64:
        errors["title"] = ["1 to 64 characters."]
    if not _is_released_page(app_id, page_path):
        errors["page_path"] = ["Not a page of the released version."]
    if not _is_card_image_url(image_url):
        errors["image_url"] = [
            "An https URL of at most 500 characters (http too while DEBUG is on)."
        ]
    if errors:
        raise InvalidInput("Invalid mini-program card.", code=INVALID_CARD, fields=errors)
    return {
        "app_id": app_id,
        "title": title.strip(),
        "page_path": page_path,
        "image_url": image_url,
    }


def _is_card_image_url(url: str) -> bool:
    """A card's image: https, or plain http while DEBUG is on, so that a bundle served by a
    development Plaza (http://127.0.0.1:8000/mp/…) can show its own image; production Plaza
    keeps https."""
    parts = urlsplit(url)
    schemes = {"https", "http"} if settings.DEBUG else {"https"}
    return len(url) <= 500 and parts.scheme in schemes and bool(parts.netloc)


def _is_released_page(app_id: str, page_path: str) -> bool:
    """Whether ``page_path`` (query aside) is a page of the app's released version; 404
    ``miniprogram_not_found`` if nothing is released."""
    version = selectors.released_bundle(app_id=app_id)
    if version is None:
        raise NotFound("No such mini-program.", code=MINIPROGRAM_NOT_FOUND)
    return bundles.is_route(version.manifest, page_path)


def chat_card_check(payload: dict) -> dict:
    """A ``miniprogram`` chat card (messaging's MESSAGING_CARD_CHECKS): the app is released
    and the path one of its pages."""
    if not _is_released_page(payload["app_id"], payload["path"]):
        raise InvalidInput(
            "Invalid mini-program card.",
            code=INVALID_CARD,
            fields={"path": ["Not a page of the released version."]},
        )
    return payload


@transaction.atomic
def share_link_create(
    *, actor, app_id: str, base_url: str, path: str, scene: str = "", query: str = ""
) -> dict:
    """A deep link and its QR code. With a ``scene`` (at most 32 characters, what a QR code
    carries) the link is self-contained; with a ``query`` of any length it is the long-link
    variant: a stored code that ``GET /api/v1/miniprogram-links/{code}`` resolves. URLs start
    at ``base_url`` (links.public_base_url)."""
    miniprogram = selectors.miniprogram_for_member(app_id=app_id, user=actor)
    if len(scene) > settings.MINIPROGRAM_SCENE_MAX_LENGTH:
        raise InvalidInput(fields={"scene": ["At most 32 characters; use a query instead."]})
    if query:
        link = ShareLink.objects.create(
            code=secrets.token_urlsafe(12), miniprogram=miniprogram, path=path, query=query
        )
        kind, url = "long", links.long_link_url(base_url=base_url, link=link)
    else:
        kind, url = (
            "qr",
            links.scene_link_url(base_url=base_url, app_id=app_id, path=path, scene=scene),
        )
    return {"kind": kind, "url": url, "qr_svg": links.qr_svg_data_uri(url)}
