"""API-wide conventions: JSON errors with a code, health, schema, docs, request ids."""

import json
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_json_404_with_code():
    response = APIClient().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_405_with_code(api):
    response = api.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_healthz_reports_database_and_redis():
    response = APIClient().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["redis"] == "ok"


def test_healthz_is_503_when_redis_is_unreachable(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = APIClient().get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unreachable"


def test_openapi_schema_and_swagger_ui_are_served():
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/auth/register" in paths
    assert "/api/v1/sync" in paths
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_admin_login_page_is_served():
    assert APIClient().get("/admin/login/").status_code == 200


def test_every_response_carries_a_request_id_and_logs_it(caplog):
    with caplog.at_level(logging.INFO, logger="plaza.request"):
        response = APIClient().get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    record = next(r for r in caplog.records if r.name == "plaza.request")
    assert record.request_id == "abc-123"
    assert record.status == 200
    generated = APIClient().get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert generated["X-Request-ID"] != "bad id with spaces"


def test_security_headers_are_set():
    response = APIClient().get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_prometheus_metrics_are_exposed():
    response = APIClient().get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests" in response.content


def test_openapi_schema_generates_without_warnings_or_errors():
    """Every endpoint is described; duplicate component names or enum clashes fail here."""
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_list_views_are_not_described_by_the_api_kits_docstring():
    """A SelectorListView without a docstring of its own has no description, not the kit's."""
    schema = json.loads(APIClient().get("/api/schema", HTTP_ACCEPT="application/json").content)
    descriptions = [
        operation.get("description", "")
        for path_item in schema["paths"].values()
        for operation in path_item.values()
        if isinstance(operation, dict)
    ]
    assert descriptions  # the schema was read
    assert not [d for d in descriptions if "selector(request" in d]
    brands_list = schema["paths"]["/api/v1/brands"]["get"]
    assert "description" not in brands_list
    assert brands_list["summary"] == "Brands the caller is a member of"
