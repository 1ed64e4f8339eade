"""Data rights: export everything social about a user, erase it all."""

import pytest

from superapp.social import privacy, selectors, services
from superapp.social.models import Moment, MomentComment
from tests.factories import UserFactory
from tests.superapp.social.factories import befriend, block

pytestmark = pytest.mark.django_db


def test_export_then_erase(user, other_user):
    befriend(user, other_user)
    blocked = UserFactory()
    block(user, blocked)
    services.contact_request_send(actor=user, to=UserFactory(), message="hello")
    moment = services.moment_create(actor=user, text="my holiday")
    services.moment_comment(actor=other_user, moment_id=moment.pk, text="nice")
    theirs = services.moment_create(actor=other_user, text="theirs")
    services.moment_comment(actor=user, moment_id=theirs.pk, text="wow")

    exported = privacy.export(user)
    assert exported["contacts"] == [other_user.username]
    assert exported["blocked"] == [blocked.username]
    assert [r["message"] for r in exported["contact_requests"]] == ["hello"]
    assert [m["text"] for m in exported["moments"]] == ["my holiday"]
    assert [c["text"] for c in exported["moment_comments"]] == ["wow"]

    privacy.erase(user)

    assert privacy.export(user) == {
        "contacts": [],
        "blocked": [],
        "contact_requests": [],
        "moments": [],
        "moment_likes": [],
        "moment_comments": [],
    }
    assert not selectors.are_contacts(other_user, user)
    assert Moment.objects.filter(pk=theirs.pk).exists()
    assert not MomentComment.objects.filter(user=user).exists()
