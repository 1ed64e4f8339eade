"""Module-scoped real processes. Tests using them must be ``django_db(transaction=True)``: the
servers only see what the test process has committed."""

import pytest

from superapp.celery import app as celery_app
from tests.system.processes import Services, free_port

SERVICE_PORTS = [free_port(), free_port()]


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("processes")


@pytest.fixture(scope="module")
def services(django_db_setup, django_db_blocker, log_dir):
    """``scripts/run_services.sh`` against the test database: two ASGI processes sharing the
    Redis channel layer, a Celery worker and beat (eager mode off). Webhook retries back off
    from 1 s instead of 10 s so a recovering receiver is served within the test's patience."""
    running = Services(
        SERVICE_PORTS, log_dir, LOG_LEVEL="WARNING", WEBHOOK_BACKOFF_BASE_SECONDS="1"
    ).start(celery_app)
    yield running
    running.stop()
