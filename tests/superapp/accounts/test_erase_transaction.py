"""Erasing an account is one transaction with no savepoint (docs/architecture.md,
"Transactions"): every app's ``erase`` joins it, and so do the unfollows, the group hand-over
and the customer-service cleanup they run."""

import pytest

from superapp.accounts import privacy_api
from superapp.accounts.models import User
from superapp.messaging.models import Member
from superapp.official import services as official_services
from superapp.official.models import Follow
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import one_transaction
from tests.superapp.messaging.factories import group_chat, send_text
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db


def test_an_erasure_with_follows_and_an_owned_group_is_one_transaction():
    group, owner, others = group_chat(members=2)
    send_text(group, owner, "bye all")
    for account in (official_account(), official_account()):
        official_services.account_follow(user=owner, account_id=account.pk)
    with one_transaction():
        privacy_api.account_erase(actor=owner, password=DEFAULT_PASSWORD)
    assert User.objects.get(pk=owner.pk).username.startswith("erased-")
    assert not Follow.objects.filter(user=owner).exists()
    assert not Member.objects.filter(conversation=group, user=owner).exists()
    assert Member.objects.get(conversation=group, role="owner").user_id in {o.pk for o in others}
