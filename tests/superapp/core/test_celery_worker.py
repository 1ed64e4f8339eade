"""Celery really runs: a worker process with beat, on Redis, against the test database."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from superapp.celery import app as celery_app
from superapp.core.tasks import HEARTBEAT_CACHE_KEY
from superapp.webhooks import services
from superapp.webhooks.models import WebhookDelivery
from tests.helpers import Receiver
from tests.system.processes import Worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A worker with embedded beat, eager mode off, using this test's database."""
    process = Worker(tmp_path_factory.mktemp("celery")).start(celery_app)
    yield process
    process.stop()  # cold shutdown: nothing is running by now


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
