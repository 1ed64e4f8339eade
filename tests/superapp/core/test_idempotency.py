"""Idempotency-Key: replay the first answer, refuse a different body, run once under races."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from superapp.core.idempotency import run_idempotent
from superapp.core.models import IdempotencyRecord
from superapp.official.models import Brand
from tests.factories import UserFactory
from tests.helpers import run_together

runs: list[int] = []


class CountingView(APIView):
    """Creates a brand-like side effect each time its handler really runs."""

    permission_classes: list = []

    def post(self, request):
        def handler():
            runs.append(1)
            from superapp.official.services import brand_create

            brand = brand_create(actor=request.user, name=request.data["name"])
            return Response({"id": brand.pk}, status=201)

        return run_idempotent(request, handler)


def call(user, body, key):
    request = APIRequestFactory().post("/x", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    force_authenticate(request, user=user)
    return CountingView.as_view()(request)


@pytest.fixture(autouse=True)
def _reset():
    runs.clear()


@pytest.mark.django_db
def test_same_key_same_body_replays_the_first_answer():
    user = UserFactory()
    first, again = call(user, {"name": "A"}, "k1"), call(user, {"name": "A"}, "k1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.data == first.data
    assert again["Idempotent-Replayed"] == "true"
    assert len(runs) == 1
    assert Brand.objects.count() == 1


@pytest.mark.django_db
def test_same_key_other_body_is_a_conflict():
    user = UserFactory()
    call(user, {"name": "A"}, "k1")
    response = call(user, {"name": "B"}, "k1")
    assert response.status_code == 409
    assert response.data["code"] == "idempotency_key_reused"
    assert Brand.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_scoped_per_caller():
    call(UserFactory(), {"name": "A"}, "k1")
    call(UserFactory(), {"name": "A"}, "k1")
    assert Brand.objects.count() == 2


@pytest.mark.django_db
def test_oversized_key_is_refused():
    response = call(UserFactory(), {"name": "A"}, "k" * 256)
    assert (response.status_code, response.data["code"]) == (400, "invalid_idempotency_key")
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_run_the_handler_once():
    user = UserFactory()
    results = run_together([lambda: call(user, {"name": "Race"}, "same-key")] * 6)
    statuses = [r.status_code for r in results]
    assert statuses == [201] * 6
    assert Brand.objects.count() == 1
    assert len(runs) == 1
