"""model_update: what a partial update sets, saves and answers (superapp/core/updates.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from superapp.accounts.models import User
from superapp.core.updates import model_update
from superapp.official.models import BrandCallback
from tests.factories import UserFactory
from tests.superapp.official.factories import brand_with_staff

pytestmark = pytest.mark.django_db

PROFILE = ("display_name", "bio", "region")


def _updates(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]


def test_only_the_changed_fields_are_set_saved_and_answered():
    user = UserFactory(display_name="Ana", bio="hello", region="PT")
    with CaptureQueriesContext(connection) as captured:
        changed = model_update(
            user, {"display_name": "Ana", "bio": "bonjour", "region": "FR"}, fields=PROFILE
        )
    assert changed == ["bio", "region"]
    (update,) = _updates(captured)
    assert '"bio"' in update and '"region"' in update and '"display_name"' not in update
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.display_name, fresh.bio, fresh.region) == ("Ana", "bonjour", "FR")


def test_the_answer_follows_the_order_of_fields_not_of_data():
    user = UserFactory(display_name="Ana", bio="", region="")
    changed = model_update(user, {"region": "FR", "display_name": "Bea"}, fields=PROFILE)
    assert changed == ["display_name", "region"]


@pytest.mark.parametrize("data", [{}, {"display_name": "Ana", "bio": "hello"}])
def test_nothing_changed_saves_nothing_and_answers_an_empty_list(data):
    user = UserFactory(display_name="Ana", bio="hello")
    with CaptureQueriesContext(connection) as captured:
        changed = model_update(user, data, fields=PROFILE)
    assert changed == []
    assert captured.captured_queries == []


def test_a_field_that_is_not_editable_is_refused_before_anything_is_set():
    user = UserFactory(display_name="Ana", is_staff=False)
    with pytest.raises(ValueError, match="is_staff"):
        model_update(user, {"display_name": "Bea", "is_staff": True}, fields=PROFILE)
    assert user.display_name == "Ana"
    assert User.objects.get(pk=user.pk).is_staff is False


def test_a_model_with_updated_at_has_it_moved_with_a_real_change_only():
    brand = brand_with_staff()
    callback = BrandCallback.objects.create(brand=brand, url="https://a.example/hook", secret="s")
    earlier = callback.updated_at - timedelta(days=1)
    BrandCallback.objects.filter(pk=callback.pk).update(updated_at=earlier)
    callback.refresh_from_db()

    assert model_update(callback, {"url": "https://a.example/hook"}, fields=["url"]) == []
    assert BrandCallback.objects.get(pk=callback.pk).updated_at == earlier

    assert model_update(callback, {"url": "https://b.example/hook"}, fields=["url"]) == ["url"]
    fresh = BrandCallback.objects.get(pk=callback.pk)
    assert fresh.url == "https://b.example/hook"
    assert fresh.updated_at > earlier
    assert fresh.secret == "s"


TEXT = st.text(alphabet="ab", max_size=2)


@given(
    current=st.fixed_dictionaries({name: TEXT for name in PROFILE}),
    data=st.dictionaries(st.sampled_from(PROFILE), TEXT),
)
def test_any_partial_change_leaves_the_row_as_current_plus_data(current, data):
    """And answers exactly the fields whose value differed, in the order of ``fields``."""
    user = UserFactory(**current)
    changed = model_update(user, data, fields=PROFILE)
    assert changed == [name for name in PROFILE if name in data and data[name] != current[name]]
    assert User.objects.values(*PROFILE).get(pk=user.pk) == {**current, **data}
