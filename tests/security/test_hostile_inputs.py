"""The probe's hostile inputs (issue 22) against every endpoint, as a standing suite.

The operations come from the OpenAPI schema and the other routes (``/o/``, ``/mp/``,
``/metrics``...) from the URL conf, both read when the tests are collected: a new endpoint is
covered without editing this file. Each input is sent as a signed-in consumer (with a real
path where the endpoint is a collection of the caller's things) and must get a 4xx JSON error
with a ``code`` or a success, never a 5xx: deep nesting, NUL bytes in the path, query, form
fields and Basic credentials, integers past 64 bits in paths and bodies, forged cursors, and
a lying zip wherever a file is uploaded. Each request runs in a savepoint rolled back after it.
"""

import base64
import io
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.helpers import consumer_client

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")
HUGE = 2**63
NUL = "\x00"


def _schema_operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _urlconf_paths(resolver=None, prefix: str = "") -> list[str]:
    """Every route outside the JSON API (``/api/v1`` is the schema's), converters as
    ``{name}``; the admin sites are Django's own and left out."""
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("api/", "admin/", "brand-admin/")):
            continue
        if isinstance(entry, URLResolver):
            paths += _urlconf_paths(entry, route)
        elif isinstance(entry, URLPattern):
            paths.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.lstrip("^").rstrip("$")))
    return sorted(set(paths))


OPERATIONS = _schema_operations()
OTHER_PATHS = _urlconf_paths()


def _lying_zip() -> bytes:
    """A zip whose only file's headers claim 10 bytes while it inflates to 4 MiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.json", b"\0" * (4 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    real, claimed = (4 * 1024 * 1024).to_bytes(4, "little"), (10).to_bytes(4, "little")
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        if data[at + offset : at + offset + 4] == real:
            data[at + offset : at + offset + 4] = claimed
    return bytes(data)


def _fill(path: str, value: str, only: str | None = None) -> str:
    """The path with its parameters set to ``value`` (just ``only`` if given; others 1)."""

    def replace(match):
        return value if only in (None, match.group(1)) else "1"

    return re.sub(r"\{(\w+)\}", replace, path)


def _params(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)


def _request_body(operation: dict) -> tuple[str | None, dict]:
    """(content type, JSON schema) of the operation's body, or (None, {})."""
    content = operation.get("requestBody", {}).get("content", {})
    for content_type in ("application/json", "multipart/form-data"):
        if content_type in content:
            return content_type, content[content_type].get("schema", {})
    return None, {}


def _resolved(schema: dict) -> dict:
    ref = schema.get("$ref")
    return COMPONENTS.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


COMPONENTS = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def _hostile_bodies(content_type: str, schema: dict) -> list[tuple[str, object]]:
    """Bodies built from the operation's schema: every integer past 64 bits, every string
    with a NUL byte, every file a lying zip; plus deep nesting for JSON."""
    properties = _resolved(schema).get("properties", {})
    huge, nul = {}, {}
    for name, spec in properties.items():
        spec = _resolved(spec)
        kind = spec.get("type")
        if kind == "integer":
            huge[name] = HUGE
        elif kind == "string" and spec.get("format") == "binary":
            huge[name] = nul[name] = "zip"
        elif kind == "string":
            nul[name] = f"x{NUL}y"
    bodies = [("huge integers", huge), ("NUL strings", nul)]
    if content_type == "application/json":
        bodies.append(("deep nesting", "[" * 5000))
    return bodies


def _send(client, method: str, url: str, body=None, content_type=None, **extra):
    """One request in a savepoint rolled back after it (a failed statement leaves nothing
    behind); answers the response."""
    with transaction.atomic():
        if content_type == "multipart/form-data" and isinstance(body, dict):
            body = {
                k: SimpleUploadedFile("f.zip", _lying_zip()) if v == "zip" else v
                for k, v in body.items()
            }
            response = getattr(client, method.lower())(url, body, format="multipart", **extra)
        elif isinstance(body, str):
            response = getattr(client, method.lower())(
                url, body, content_type="application/json", **extra
            )
        elif body is not None:
            response = getattr(client, method.lower())(url, body, format="json", **extra)
        else:
            response = getattr(client, method.lower())(url, **extra)
        transaction.set_rollback(True)
    return response


def _assert_handled(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.content[:300]}"
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert "code" in body or "error" in body, f"{what}: no code in {body}"


def _forged_cursors() -> list[str]:
    positions = ["2026", "99999999999999999999999", f"x{NUL}", "2026-13-45", "'; --"]
    forged = [base64.b64encode(f"p={p}".encode()).decode() for p in positions]
    return [*forged, "cD0yMDI2", "not-base64!", "%00"]


@pytest.fixture
def caller(db):
    return consumer_client(UserFactory())


@pytest.mark.parametrize(
    "method, path, operation", OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_api_operation_survives_hostile_input(caller, method, path, operation):
    for name in _params(path):
        for value in ("%00", str(HUGE), "99999999999999999999999", "-1", "%2e%2e"):
            url = _fill(path, value, only=name)
            _assert_handled(_send(caller, method, url), f"{method} {url}")
    url = _fill(path, "1")
    query = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    for name in query:
        _assert_handled(_send(caller, method, f"{url}?{name}=%00"), f"{method} {url}?{name}=%00")
    if method == "GET":
        for cursor in _forged_cursors():
            _assert_handled(_send(caller, method, f"{url}?cursor={cursor}"), f"cursor {cursor}")
    content_type, schema = _request_body(operation)
    if content_type:
        for what, body in _hostile_bodies(content_type, schema):
            response = _send(caller, method, url, body, content_type)
            _assert_handled(response, f"{method} {url} with {what}")
    nul_basic = "Basic " + base64.b64encode(b"wx\x00:secret\x00").decode()
    anonymous = APIClient()
    _assert_handled(
        _send(anonymous, method, url, HTTP_AUTHORIZATION=nul_basic), f"{method} {url} basic"
    )


@pytest.mark.parametrize("path", OTHER_PATHS)
def test_every_other_route_survives_hostile_input(caller, path):
    for value in ("%00", str(HUGE), "%2e%2e", "..%2fapp.json"):
        url = _fill(path, value)
        for method in ("GET", "POST"):
            _assert_handled(_send(caller, method, url), f"{method} {url}")
    url = _fill(path, "x")
    form = {"client_id": NUL, "grant_type": "password", "code": NUL, "token": NUL}
    _assert_handled(
        caller.post(url, urlencode(form), content_type="application/x-www-form-urlencoded"),
        f"form {url}",
    )
    _assert_handled(_send(caller, "POST", url, "[" * 5000, "application/json"), f"nest {url}")


def test_the_suite_covers_every_operation_and_route():
    """A guard that the lists are read from the schema and the URL conf, not typed in."""
    assert len(OPERATIONS) > 150
    assert {"/o/token/", "/mp/{app_id}/{path}", "/metrics"} <= set(OTHER_PATHS)
