"""Module-scoped real processes. Tests using them must be ``django_db(transaction=True)``: the
servers only see what the test process has committed."""

import pytest

from superapp.celery import app as celery_app
from tests.system.processes import Server, Worker

SERVER_A_PORT = 8801
SERVER_B_PORT = 8802


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("processes")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, log_dir):
    """A Celery worker with embedded beat on the shared Redis, against the test database."""
    process = Worker(log_dir).start(celery_app)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker, log_dir, worker):
    """Two ASGI processes, as ``make run-services`` runs them, sharing the Redis channel layer."""
    servers = [Server(port, log_dir).start() for port in (SERVER_A_PORT, SERVER_B_PORT)]
    yield servers
    for server in servers:
        server.stop()
