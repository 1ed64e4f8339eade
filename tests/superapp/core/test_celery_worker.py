"""Celery really runs: a worker process with beat, on Redis, against the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from superapp.celery import app as celery_app
from superapp.core.tasks import HEARTBEAT_CACHE_KEY
from superapp.webhooks import services
from superapp.webhooks.models import WebhookDelivery
from tests.helpers import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker with embedded beat, eager mode off, using this test's database. Ready once it
    answers a ping: a task sent before it declared its queue would be dropped."""
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "HEARTBEAT_INTERVAL_SECONDS": "1",
        "DATABASE_URL": _test_database_url(),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "superapp",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "--schedule",
            str(tmp_path_factory.mktemp("beat") / "schedule"),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for(lambda: celery_app.control.ping(timeout=0.5)), "worker did not start"
    yield process
    process.send_signal(signal.SIGQUIT)  # cold shutdown: nothing is running by now
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _test_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_beat_schedules_and_the_worker_runs_periodic_jobs(worker):
    cache.delete(HEARTBEAT_CACHE_KEY)
    assert wait_for(lambda: cache.get(HEARTBEAT_CACHE_KEY) is not None)


def test_a_webhook_job_runs_in_the_worker_not_in_this_process(worker):
    with Receiver() as receiver:
        with transaction.atomic():
            delivery = services.webhook_enqueue(
                owner="t", url=receiver.url, secret="s", event_type="t", data={}
            )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status="pending", delivered_at=None, next_attempt_at=timezone.now()
        )
        receiver.requests.clear()
        celery_app.send_task("webhooks.deliver", args=[delivery.pk])
        assert wait_for(lambda: len(receiver.requests) == 1)
    assert wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered")
