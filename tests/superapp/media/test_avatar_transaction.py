"""An avatar upload becomes the profile photo in one transaction: the profile change joins
media's (docs/architecture.md, "Transactions")."""

import pytest

from superapp.media import services
from tests.helpers import one_transaction
from tests.superapp.media import samples
from tests.superapp.media.helpers import upload

pytestmark = pytest.mark.django_db


def test_an_avatar_becomes_the_profile_photo_in_one_transaction(api, user):
    media = upload(api, samples.image_bytes(), purpose="avatar").json()
    with one_transaction():
        updated = services.avatar_set(actor=user, media_id=media["id"])
    user.refresh_from_db()
    assert user.avatar_url == updated.avatar_url == media["url"]
