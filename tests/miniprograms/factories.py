"""Builders for mini-program tests: bundles (zip bytes), registered apps, released apps."""

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from miniprograms import services
from tests.factories import UserFactory

PAGES = ["pages/index", "pages/order"]


def manifest(**overrides) -> dict:
    return {
        "name": "Coffee",
        "pages": PAGES,
        "entry_page": "pages/index",
        "scopes": ["profile"],
        **overrides,
    }


def bundle_bytes(app_json=None, files: dict | None = None, raw_manifest: bytes | None = None):
    """A zip with ``app.json`` (``app_json`` dict, or ``raw_manifest`` bytes) and one HTML file
    per page unless ``files`` says otherwise."""
    app_json = manifest() if app_json is None else app_json
    if files is None:
        files = {f"{page}.html": f"<h1>{page}</h1>".encode() for page in PAGES}
        files["app.js"] = b"console.log('hi')"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if raw_manifest is not None or app_json is not False:
            archive.writestr("app.json", raw_manifest or json.dumps(app_json).encode())
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload_file(data: bytes, name="bundle.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def developer_app(*, owner=None, organisation=None, scopes=None, name="Coffee"):
    """(miniprogram, secret, owner) registered by a developer."""
    owner = owner or UserFactory()
    organisation = organisation or services.organisation_create(actor=owner, name=f"{name} Ltd")
    kwargs = {} if scopes is None else {"scopes": scopes}
    miniprogram, secret = services.miniprogram_register(
        actor=owner, organisation=organisation, name=name, **kwargs
    )
    return miniprogram, secret, owner


def released_app(*, owner=None, organisation=None, scopes=None, name="Coffee", bundle=None):
    """An app with an approved and released version 1.0.0, ready for consumers."""
    miniprogram, secret, owner = developer_app(
        owner=owner, organisation=organisation, scopes=scopes, name=name
    )
    release(miniprogram, owner, version="1.0.0", bundle=bundle)
    return miniprogram, secret, owner


def release(miniprogram, owner, *, version: str, bundle=None):
    uploaded = services.version_upload(
        actor=owner,
        app_id=miniprogram.app_id,
        version=version,
        bundle=bundle or bundle_bytes(manifest(scopes=[])),
    )
    services.version_submit(actor=owner, app_id=miniprogram.app_id, version_id=uploaded.pk)
    services.version_approve(reviewer=UserFactory(is_staff=True), version_id=uploaded.pk)
    return services.version_release(actor=owner, app_id=miniprogram.app_id, version_id=uploaded.pk)
