"""Reading and checking an uploaded mini-program bundle (a zip with ``app.json`` at its root).

Pure functions: nothing is stored until the whole bundle has passed.
"""

import io
import json
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

from miniprograms.models import APP_SCOPES
from superapp.core.errors import InvalidInput

PAGE_PATTERN = re.compile(r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*$")
# A single-page app's own paths (``routes``): its entry page opens with the path in its launch
# options. ``/teams/`` admits ``/teams/12``; ``/cart`` and ``/`` admit exactly themselves.
ROUTE_PATTERN = re.compile(r"^/([A-Za-z0-9_\-]+/?)*$")
MANIFEST_NAME = "app.json"
# Files are inflated this many bytes at a time, so no read holds more than one chunk beyond
# what the caller allows, whatever the archive's headers claim.
_INFLATE_CHUNK = 64 * 1024
_BROKEN_ZIP = (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError)


class _TooLarge(Exception):
    pass


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, budget: int) -> bytes:
    """The file's real content, read in bounded chunks: ``_TooLarge`` past ``budget`` bytes,
    ``zipfile.BadZipFile`` (and friends) if its content disagrees with its headers (its size
    or CRC): a lying archive."""
    parts, size = [], 0
    with archive.open(info) as stream:
        while chunk := stream.read(_INFLATE_CHUNK):
            size += len(chunk)
            if size > budget:
                raise _TooLarge()
            parts.append(chunk)
    if size != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename} is not the size its header says")
    return b"".join(parts)


@dataclass(frozen=True)
class CheckedBundle:
    manifest: dict
    uncompressed_size: int


def _reject(code: str, detail: str, **fields) -> InvalidInput:
    return InvalidInput(detail, code=code, **({"fields": fields} if fields else {}))


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _reject("invalid_bundle", "The bundle is not a zip file.") from exc


def _check_entries(archive: zipfile.ZipFile) -> tuple[set[str], int]:
    """File names (no directories) and their uncompressed total, refusing unsafe names and
    anything bigger than the package limit (decided from the headers, before inflating)."""
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > settings.MINIPROGRAM_PACKAGE_MAX_FILES:
        raise _reject(
            "bundle_too_many_files",
            f"A bundle holds at most {settings.MINIPROGRAM_PACKAGE_MAX_FILES} files.",
        )
    names = set()
    for info in infos:
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise _reject("invalid_bundle", f"Unsafe file name in bundle: {name!r}.")
        names.add(name)
    total = sum(info.file_size for info in infos)
    if total > settings.MINIPROGRAM_PACKAGE_MAX_BYTES:
        raise _reject(
            "package_too_large",
            f"The package unpacks to {total} bytes; the limit is "
            f"{settings.MINIPROGRAM_PACKAGE_MAX_BYTES}.",
        )
    return names, total


def _inflate_all(archive: zipfile.ZipFile) -> int:
    """Inflate every file (bounded) to learn the real unpacked size; refuse a lying archive."""
    budget = settings.MINIPROGRAM_PACKAGE_MAX_BYTES
    total = 0
    try:
        for info in archive.infolist():
            if not info.is_dir():
                total += len(_inflate(archive, info, budget=budget - total))
    except _TooLarge as exc:
        raise _reject(
            "package_too_large",
            f"The package unpacks to more than {budget} bytes.",
        ) from exc
    except _BROKEN_ZIP as exc:
        detail = f"The bundle is damaged or lies about its files: {exc}."
        raise _reject("invalid_bundle", detail) from exc
    return total


def _read_manifest(archive: zipfile.ZipFile, names: set[str]) -> dict:
    if MANIFEST_NAME not in names:
        raise _reject("invalid_manifest", "The bundle has no app.json at its root.")
    try:
        manifest = json.loads(archive.read(MANIFEST_NAME))
    except (ValueError, zipfile.BadZipFile) as exc:
        raise _reject("invalid_manifest", "app.json is not valid JSON.") from exc
    if not isinstance(manifest, dict):
        raise _reject("invalid_manifest", "app.json must be a JSON object.")
    return manifest


def manifest_errors(manifest: dict, names: set[str], allowed_scopes: list[str]) -> dict:
    """Field → messages for everything wrong with the manifest (empty when it is valid)."""
    errors: dict[str, list[str]] = {}
    name = manifest.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 64:
        errors["name"] = ["A string of 1 to 64 characters is required."]
    pages = manifest.get("pages")
    if not isinstance(pages, list) or not pages or not all(isinstance(p, str) for p in pages):
        errors["pages"] = ["A non-empty list of page paths is required."]
        pages = []
    for page in pages:
        if not PAGE_PATTERN.match(page):
            errors.setdefault("pages", []).append(f"{page!r} is not a page path like 'pages/a'.")
        elif f"{page}.html" not in names:
            errors.setdefault("pages", []).append(f"{page}.html is missing from the bundle.")
    entry = manifest.get("entry_page", pages[0] if pages else None)
    if entry not in pages:
        errors["entry_page"] = ["The entry page must be one of the pages."]
    scopes = manifest.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        errors["scopes"] = ["A list of scope names is expected."]
    else:
        unknown = sorted(set(scopes) - set(APP_SCOPES))
        if unknown:
            errors["scopes"] = [f"Unknown scopes: {', '.join(unknown)}."]
        elif not set(scopes) <= set(allowed_scopes):
            denied = ", ".join(sorted(set(scopes) - set(allowed_scopes)))
            errors["scopes"] = [f"This app is not allowed: {denied}."]
    routes = manifest.get("routes", [])
    if not isinstance(routes, list) or not all(
        isinstance(r, str) and ROUTE_PATTERN.match(r) for r in routes
    ):
        errors["routes"] = ["A list of paths like '/teams/' that the entry page handles."]
    template_errors = _subscribe_template_errors(manifest.get("subscribe_templates", {}))
    if template_errors:
        errors["subscribe_templates"] = template_errors
    return errors


def _subscribe_template_errors(templates) -> list[str]:
    """``{id: {"title": …, "body": …}}``: the texts a subscribe message of each template shows,
    reviewed with the version; ``{field}`` in them is replaced by the message's data."""
    if not isinstance(templates, dict):
        return ["An object of template id -> {title, body} is expected."]
    return [
        f"{template_id!r} needs a title of 1-64 and a body of 1-500 characters."
        for template_id, texts in templates.items()
        if not (
            isinstance(texts, dict)
            and isinstance(texts.get("title"), str)
            and 1 <= len(texts["title"]) <= 64
            and isinstance(texts.get("body"), str)
            and 1 <= len(texts["body"]) <= 500
        )
    ]


def bundle_check(data: bytes, *, allowed_scopes: list[str]) -> CheckedBundle:
    """Validate an upload; raise 400 with a stable code, or return the normalised manifest."""
    if len(data) > settings.MINIPROGRAM_PACKAGE_MAX_BYTES:
        raise _reject(
            "package_too_large",
            f"The package is larger than {settings.MINIPROGRAM_PACKAGE_MAX_BYTES} bytes.",
        )
    with _open_zip(data) as archive:
        names, _ = _check_entries(archive)
        total = _inflate_all(archive)
        manifest = _read_manifest(archive, names)
    errors = manifest_errors(manifest, names, allowed_scopes)
    if errors:
        raise _reject("invalid_manifest", "app.json does not follow the manifest schema.", **errors)
    pages = manifest["pages"]
    return CheckedBundle(
        manifest={
            "name": manifest["name"],
            "pages": pages,
            "entry_page": manifest.get("entry_page", pages[0]),
            "scopes": manifest.get("scopes", []),
            **({"routes": manifest["routes"]} if manifest.get("routes") else {}),
            **(
                {"subscribe_templates": manifest["subscribe_templates"]}
                if manifest.get("subscribe_templates")
                else {}
            ),
        },
        uncompressed_size=total,
    )


def is_route(manifest: dict, path: str) -> bool:
    """Whether ``path`` (query aside) is one of the app's pages or its single-page routes."""
    path = path.partition("?")[0]
    if path in manifest.get("pages", []):
        return True
    return any(path == route or _under(route, path) for route in manifest.get("routes", []))


def _under(route: str, path: str) -> bool:
    """``/teams/`` admits one more segment (``/teams/12``); ``/`` only itself."""
    rest = path[len(route) :]
    inside = route != "/" and route.endswith("/") and path.startswith(route)
    return inside and rest != "" and "/" not in rest


def is_servable(path: str) -> bool:
    """Whether a requested path may be served: a plain relative path (no ``.`` or ``..``
    segments, no empty ones, no backslash or NUL) that is not the manifest."""
    segments = path.split("/")
    return (
        path != MANIFEST_NAME
        and "\\" not in path
        and "\x00" not in path
        and all(segment not in ("", ".", "..") for segment in segments)
    )


def bundle_read(data: bytes, path: str) -> bytes | None:
    """One file of a stored (already validated) bundle, or None (also for a file that would
    inflate past the package limit or disagrees with its headers: never served)."""
    path = posixpath.normpath(path or "")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo(path)
            return _inflate(archive, info, budget=settings.MINIPROGRAM_PACKAGE_MAX_BYTES)
        except (KeyError, _TooLarge, *_BROKEN_ZIP):
            return None
