"""The sharded follower count always equals the number of follow rows."""

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superapp.official import selectors, services
from superapp.official.models import Follow
from tests.factories import UserFactory
from tests.helpers import run_together
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db

moves = st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=25)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=moves)
def test_follow_unfollow_in_any_order_keeps_the_count_exact(moves):
    account = official_account()
    users = UserFactory.create_batch(4)
    for index, follows in moves:
        change = services.account_follow if follows else services.account_unfollow
        change(user=users[index], account_id=account.pk)
    expected = Follow.objects.filter(account=account).count()
    assert selectors.account_get(account_id=account.pk).follower_count == expected


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_are_all_counted():
    account = official_account()
    users = UserFactory.create_batch(6)
    results = run_together(
        [
            functools.partial(services.account_follow, user=user, account_id=account.pk)
            for user in users
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert selectors.account_get(account_id=account.pk).follower_count == 6
