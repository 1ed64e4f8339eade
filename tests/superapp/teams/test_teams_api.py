"""The workspace's teams: invitations answered by the invitee, leaving, roles and removal by
owners, and the audit log owners read (superapp.teams)."""

import pytest
from django.db import IntegrityError, transaction

from superapp.official import services as official_services
from superapp.official.models import BrandMember
from superapp.teams.models import Invitation
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client, join_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def brand(owner):
    return official_services.brand_create(actor=owner, name="Maison Lune")


def team_url(brand, rest=""):
    return f"/api/v1/teams/brand/{brand.pk}{rest}"


def invite(inviter, brand, user, role="associate"):
    return consumer_client(inviter).post(
        team_url(brand, "/invitations"), {"username": user.username, "role": role}, format="json"
    )


def roles(brand) -> dict[str, str]:
    return dict(BrandMember.objects.filter(brand=brand).values_list("user__username", "role"))


def log(owner, brand) -> list[tuple[str, str, str]]:
    entries = consumer_client(owner).get(team_url(brand, "/audit-log")).json()["results"]
    return [(e["actor"], e["action"], e["target"]) for e in entries]


def test_an_invitee_accepts_and_joins_with_the_role_offered(owner, brand):
    bob = UserFactory()
    sent = invite(owner, brand, bob)
    assert sent.status_code == 201
    assert bob.username not in roles(brand)

    waiting = consumer_client(bob).get("/api/v1/invitations").json()["results"]
    assert [(i["team_name"], i["role"], i["invited_by"]) for i in waiting] == [
        ("Maison Lune", "associate", owner.username)
    ]
    accepted = consumer_client(bob).post(f"/api/v1/invitations/{sent.json()['id']}/accept")
    assert accepted.json()["status"] == "accepted"
    assert roles(brand)[bob.username] == "associate"
    assert consumer_client(bob).get("/api/v1/invitations").json()["results"] == []
    teams = consumer_client(bob).get("/api/v1/teams").json()["results"]
    assert teams == [{"kind": "brand", "id": brand.pk, "name": "Maison Lune", "role": "associate"}]
    assert log(owner, brand) == [
        (bob.username, "invitation.accepted", bob.username),
        (owner.username, "invitation.sent", bob.username),
    ]


def test_a_declined_invitation_adds_nobody_and_cannot_be_answered_again(owner, brand):
    bob = UserFactory()
    invitation_id = invite(owner, brand, bob).json()["id"]
    declined = consumer_client(bob).post(f"/api/v1/invitations/{invitation_id}/decline")
    assert declined.json()["status"] == "declined"
    assert bob.username not in roles(brand)
    again = consumer_client(bob).post(f"/api/v1/invitations/{invitation_id}/accept")
    assert_refused(again, 409, "invitation_not_pending")
    assert (owner.username, "invitation.declined", bob.username) not in log(owner, brand)
    assert (bob.username, "invitation.declined", bob.username) in log(owner, brand)


def test_only_the_invitee_answers_and_a_revoked_invitation_is_closed(owner, brand):
    bob, carol = UserFactory(), UserFactory()
    invitation_id = invite(owner, brand, bob).json()["id"]
    by_carol = consumer_client(carol).post(f"/api/v1/invitations/{invitation_id}/accept")
    assert_refused(by_carol, 404, "invitation_not_found")
    by_owner = consumer_client(owner).post(f"/api/v1/invitations/{invitation_id}/accept")
    assert_refused(by_owner, 404, "invitation_not_found")

    revoked = consumer_client(owner).delete(team_url(brand, f"/invitations/{invitation_id}"))
    assert revoked.json()["status"] == "revoked"
    late = consumer_client(bob).post(f"/api/v1/invitations/{invitation_id}/accept")
    assert_refused(late, 409, "invitation_not_pending")
    assert bob.username not in roles(brand)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "ghost", "role": "associate"}, 404, "user_not_found"),
        ({"username": "{bob}", "role": "owner"}, 400, "validation_error"),
        ({"username": "{bob}", "role": "developer"}, 400, "validation_error"),
        ({"username": "{owner}", "role": "admin"}, 409, "already_member"),
    ],
)
def test_bad_invitations_are_refused(owner, brand, body, status, code):
    names = {"{bob}": UserFactory().username, "{owner}": owner.username}
    body = {**body, "username": names.get(body["username"], body["username"])}
    response = consumer_client(owner).post(team_url(brand, "/invitations"), body, format="json")
    assert_refused(response, status, code)


def test_one_pending_invitation_per_person(owner, brand):
    bob = UserFactory()
    invite(owner, brand, bob)
    assert_refused(invite(owner, brand, bob), 409, "invitation_pending")


def test_associates_neither_invite_nor_read_the_log_nor_change_roles(owner, brand):
    associate, admin, other = UserFactory(), UserFactory(), UserFactory()
    join_team(owner, kind="brand", team_id=brand.pk, user=associate, role="associate")
    join_team(owner, kind="brand", team_id=brand.pk, user=admin, role="admin")
    assert_refused(invite(associate, brand, other), 403, "insufficient_role")
    as_associate = consumer_client(associate)
    assert_refused(as_associate.get(team_url(brand, "/audit-log")), 403, "insufficient_role")
    assert_refused(as_associate.get(team_url(brand, "/invitations")), 403, "insufficient_role")
    change = consumer_client(admin).patch(
        team_url(brand, f"/members/{associate.pk}"), {"role": "admin"}, format="json"
    )
    assert_refused(change, 403, "insufficient_role")  # roles are the owner's to change
    assert invite(admin, brand, other).status_code == 201  # admins invite
    members = as_associate.get(team_url(brand, "/members")).json()["results"]
    assert {m["username"]: m["role"] for m in members} == {
        owner.username: "owner",
        associate.username: "associate",
        admin.username: "admin",
    }
    stranger = consumer_client(UserFactory())
    assert_refused(stranger.get(team_url(brand, "/members")), 404, "team_not_found")
    assert_refused(stranger.get("/api/v1/teams/guild/1/members"), 404, "team_not_found")


def test_a_member_leaves_but_the_owner_cannot(owner, brand):
    bob = UserFactory()
    join_team(owner, kind="brand", team_id=brand.pk, user=bob, role="associate")
    assert consumer_client(bob).post(team_url(brand, "/leave")).status_code == 204
    assert bob.username not in roles(brand)
    assert log(owner, brand)[0] == (bob.username, "member.left", bob.username)
    refused = consumer_client(owner).post(team_url(brand, "/leave"))
    assert_refused(refused, 422, "last_owner")
    assert roles(brand) == {owner.username: "owner"}


def test_the_owner_changes_roles_hands_the_team_over_and_removes_members(owner, brand):
    bob, carol = UserFactory(), UserFactory()
    join_team(owner, kind="brand", team_id=brand.pk, user=bob, role="associate")
    join_team(owner, kind="brand", team_id=brand.pk, user=carol, role="associate")
    as_owner = consumer_client(owner)
    promoted = as_owner.patch(team_url(brand, f"/members/{bob.pk}"), {"role": "admin"})
    assert promoted.json()["role"] == "admin"
    own = as_owner.patch(team_url(brand, f"/members/{owner.pk}"), {"role": "admin"})
    assert_refused(own, 403, "own_membership")
    assert_refused(as_owner.delete(team_url(brand, "/members/999999")), 404, "member_not_found")

    assert as_owner.delete(team_url(brand, f"/members/{carol.pk}")).status_code == 204
    handed = as_owner.patch(team_url(brand, f"/members/{bob.pk}"), {"role": "owner"})
    assert handed.json()["role"] == "owner"
    assert roles(brand) == {owner.username: "admin", bob.username: "owner"}
    assert [entry[1:] for entry in log(bob, brand)[:3]] == [
        ("member.role_changed", bob.username),
        ("member.removed", carol.username),
        ("member.role_changed", bob.username),
    ]
    assert_refused(as_owner.get(team_url(brand, "/audit-log")), 403, "insufficient_role")


def test_developer_organisations_invite_developers(owner):
    organisation = consumer_client(owner).post("/api/v1/dev/organisations", {"name": "Beans"})
    org_id = organisation.json()["id"]
    dev = UserFactory()
    join_team(owner, kind="organisation", team_id=org_id, user=dev, role="developer")
    teams = consumer_client(dev).get("/api/v1/teams").json()["results"]
    assert teams == [{"kind": "organisation", "id": org_id, "name": "Beans", "role": "developer"}]
    associate = consumer_client(owner).post(
        f"/api/v1/teams/organisation/{org_id}/invitations",
        {"username": UserFactory().username, "role": "associate"},
    )
    assert_refused(associate, 400, "validation_error")


def test_the_database_keeps_one_pending_invitation_and_valid_roles(owner, brand):
    bob = UserFactory()
    fields = {"team_kind": "brand", "team_id": brand.pk, "team_name": "x", "invitee": bob}
    Invitation.objects.create(**fields, role="associate")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(**fields, role="admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(**{**fields, "invitee": owner}, role="developer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(**{**fields, "invitee": owner}, role="admin", status="accepted")


def test_a_brands_own_organisation_is_not_a_team_of_its_own(owner, brand):
    teams = consumer_client(owner).get("/api/v1/teams").json()["results"]
    assert teams == [{"kind": "brand", "id": brand.pk, "name": "Maison Lune", "role": "owner"}]
    own = consumer_client(owner).get(
        f"/api/v1/teams/organisation/{brand.developer_organisation_id}/members"
    )
    assert_refused(own, 404, "team_not_found")
