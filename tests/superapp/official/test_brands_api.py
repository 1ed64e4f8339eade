"""Brands and their members (API.md: POST /brands, POST /brands/{id}/members)."""

import pytest

from superapp.official.models import BrandMember
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client, join_team

pytestmark = pytest.mark.django_db


def create_brand(client, name="Maison Lune"):
    response = client.post("/api/v1/brands", {"name": name})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_creator_becomes_owner_of_an_unverified_brand(api):
    response = api.post("/api/v1/brands", {"name": "Maison Lune"})
    assert response.status_code == 201
    assert response.json()["verified"] is False
    member = BrandMember.objects.get(brand_id=response.json()["id"])
    assert (member.user, member.role) == (api.user, "owner")


def test_owner_adds_admin_and_admin_adds_associate(api):
    brand_id = create_brand(api)
    admin, associate = UserFactory(), UserFactory()
    added = api.post(
        f"/api/v1/brands/{brand_id}/members", {"username": admin.username, "role": "admin"}
    )
    assert added.status_code == 201
    assert (added.json()["role"], added.json()["status"]) == ("admin", "pending")
    assert not BrandMember.objects.filter(user=admin).exists()  # not before they accept
    accepted = consumer_client(admin).post(f"/api/v1/invitations/{added.json()['id']}/accept")
    assert accepted.status_code == 200
    by_admin = consumer_client(admin).post(
        f"/api/v1/brands/{brand_id}/members", {"username": associate.username, "role": "associate"}
    )
    assert by_admin.status_code == 201


def test_associates_cannot_add_members_and_strangers_see_no_brand(api):
    brand_id = create_brand(api)
    associate, stranger = UserFactory(), UserFactory()
    join_team(api.user, kind="brand", team_id=brand_id, user=associate, role="associate")
    payload = {"username": stranger.username, "role": "admin"}
    by_associate = consumer_client(associate).post(f"/api/v1/brands/{brand_id}/members", payload)
    assert by_associate.status_code == 403
    assert by_associate.json()["code"] == "insufficient_role"
    by_stranger = consumer_client(stranger).post(f"/api/v1/brands/{brand_id}/members", payload)
    assert by_stranger.status_code == 404
    assert BrandMember.objects.filter(brand_id=brand_id).count() == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "ghost", "role": "admin"}, 404, "user_not_found"),
        ({"username": "x", "role": "owner"}, 400, "validation_error"),
        ({"role": "admin"}, 400, "validation_error"),
    ],
)
def test_bad_member_requests_are_refused(api, body, status, code):
    brand_id = create_brand(api)
    response = api.post(f"/api/v1/brands/{brand_id}/members", body)
    assert_refused(response, status, code)


def test_inviting_someone_twice_is_a_conflict(api, other_user):
    brand_id = create_brand(api)
    body = {"username": other_user.username, "role": "associate"}
    assert api.post(f"/api/v1/brands/{brand_id}/members", body).status_code == 201
    again = api.post(f"/api/v1/brands/{brand_id}/members", body)
    assert_refused(again, 409, "invitation_pending")
