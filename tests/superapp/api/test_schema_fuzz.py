"""Schemathesis against /api/schema: generated (including malformed) requests to every
operation, as a consumer, a brand admin and a mini-program server. No 5xx, every response
conforms to the schema, every error body has a ``code``. Bounded by ``FUZZ_MAX_EXAMPLES``."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from superapp.official.services import brand_create
from tests.factories import UserFactory
from tests.helpers import app_server_token, consumer_client, register_app

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))
schema = schemathesis.openapi.from_wsgi("/api/schema", get_wsgi_application())


@schemathesis.check
def error_body_has_code(ctx, response, case):
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, dict) and "code" in body and "detail" in body, body


@pytest.fixture
def callers(db):
    """Bearer headers of each role. The raw WSGI handler closes the connection after each
    request, which would end the test's transaction; Django's test client avoids that the
    same way (and reconnects the signal after its own requests, so this comes last)."""
    consumer = consumer_client(UserFactory())
    admin = UserFactory()
    brand_create(actor=admin, name="Fuzz brand")
    app, secret = register_app(owner=UserFactory())
    headers = {
        "consumer": f"Bearer {consumer.access_token}",
        "brand_admin": f"Bearer {consumer_client(admin).access_token}",
        "app_server": f"Bearer {app_server_token(app, secret)}",
    }
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["consumer", "brand_admin", "app_server"])
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_conforming_responses(case, role, callers):
    case.call_and_validate(
        headers={"Authorization": callers[role]},
        excluded_checks=[
            schemathesis.checks.ignored_auth,
            # Business rules refuse some schema-valid input (weak passwords, unknown users),
            # and DRF's CharField accepts a number as its text: neither is a defect here.
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )
