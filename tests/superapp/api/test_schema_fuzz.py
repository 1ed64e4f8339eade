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

# Generated requests per operation: the consumer reaches the most code; the other roles mostly
# meet the permission checks, so fewer examples find what they can. Raise both to dig deeper.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "6"))
OTHER_ROLE_EXAMPLES = int(os.environ.get("FUZZ_OTHER_ROLE_EXAMPLES", "2"))
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


def _call_and_validate(case, authorization: str) -> None:
    case.call_and_validate(
        headers={"Authorization": authorization},
        excluded_checks=[
            schemathesis.checks.ignored_auth,
            # Business rules refuse some schema-valid input (weak passwords, unknown users),
            # and DRF's CharField accepts a number as its text: neither is a defect here.
            schemathesis.checks.positive_data_acceptance,
            schemathesis.checks.negative_data_rejection,
        ],
    )


FUZZ_SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, **FUZZ_SETTINGS)
def test_consumer_gets_no_server_errors_and_conforming_responses(case, callers):
    _call_and_validate(case, callers["consumer"])


@pytest.mark.parametrize("role", ["brand_admin", "app_server"])
@schema.parametrize()
@settings(max_examples=OTHER_ROLE_EXAMPLES, **FUZZ_SETTINGS)
def test_other_roles_get_no_server_errors_and_conforming_responses(case, role, callers):
    _call_and_validate(case, callers[role])
