"""Schemathesis against /api/schema: generated (including malformed) requests to every
operation, as a consumer, and as every role the authorization matrix knows
(tests/system/authz_world.py) inside that matrix's world, where half of the generated requests
name its real objects in their path (a conversation, a shop, an app...) so they reach the code
behind the permission checks. No 5xx, every response conforms to the schema, every error body
has a ``code``. Bounded by ``FUZZ_MAX_EXAMPLES`` and ``FUZZ_OTHER_ROLE_EXAMPLES``."""

import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.system.authz_world import ROLES, build_world
from tests.system.test_authorization_matrix import resolve

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
def wsgi_requests_keep_the_transaction():
    """The raw WSGI handler closes the connection after each request, which would end the
    test's transaction; Django's test client avoids that the same way (and reconnects the
    signal after its own requests, so this comes after any setup that uses it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def consumer_authorization(db):
    return f"Bearer {consumer_client(UserFactory()).access_token}"


def _call_and_validate(case, authorization: str) -> None:
    case.call_and_validate(
        headers={"Authorization": authorization} if authorization else {},
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
def test_consumer_gets_no_server_errors_and_conforming_responses(
    case, consumer_authorization, wsgi_requests_keep_the_transaction
):
    _call_and_validate(case, consumer_authorization)


def _real_path_parameters(template: str, params: dict) -> dict | None:
    """The path parameters naming the matrix world's objects for this operation, or None."""
    try:
        concrete = resolve(template, params)
    except (KeyError, StopIteration):
        return None
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    match = re.fullmatch(pattern, concrete)
    return match.groupdict() if match else None


def _authorization(client) -> str:
    return client._credentials.get("HTTP_AUTHORIZATION", "")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_no_server_errors_and_conforming_responses(role, db):
    world = build_world()
    authorization = _authorization(world.clients[role])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            real = _real_path_parameters(operation.path, world.params)
            _fuzz_operation(operation, real, authorization)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_operation(operation, real_parameters, authorization: str) -> None:
    @given(case=operation.as_strategy(), name_real_objects=st.booleans())
    @settings(max_examples=OTHER_ROLE_EXAMPLES, **FUZZ_SETTINGS)
    def fuzz(case, name_real_objects):
        if name_real_objects and real_parameters:
            case.path_parameters = dict(real_parameters)
        with transaction.atomic():  # the world stays as built, whatever the request did
            try:
                _call_and_validate(case, authorization)
            finally:
                transaction.set_rollback(True)

    fuzz()
