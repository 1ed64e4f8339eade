"""Creating a brand (with its developer organisation) and joining a workspace team run in one
transaction with no savepoint (docs/architecture.md, "Transactions")."""

import pytest

from miniprograms import services as miniprogram_services
from miniprograms.models import DeveloperOrganisation, MiniProgram, OrganisationMember
from superapp.official import selectors as official_selectors
from superapp.official import services
from superapp.official.models import BrandMember
from superapp.teams import services as team_services
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.superapp.official.factories import official_account

pytestmark = pytest.mark.django_db


def test_a_brand_and_its_developer_organisation_are_made_in_one_transaction():
    owner = UserFactory()
    with one_transaction():
        brand = services.brand_create(actor=owner, name="Maison Lune")
    organisation = brand.developer_organisation
    assert organisation.name == "Maison Lune"
    assert OrganisationMember.objects.get(organisation=organisation).user_id == owner.pk
    assert BrandMember.objects.get(brand=brand).role == "owner"


def test_a_new_app_in_a_new_organisation_is_made_in_one_transaction():
    owner = UserFactory()
    with one_transaction():
        app, secret = miniprogram_services.miniprogram_create(actor=owner, name="Corner Coffee")
    assert secret and MiniProgram.objects.get(pk=app.pk).organisation.name == "Corner Coffee"
    assert DeveloperOrganisation.objects.get(pk=app.organisation_id).members.get().role == "owner"


def test_accepting_an_invitation_joins_the_brand_in_one_transaction():
    owner, invitee = UserFactory(), UserFactory()
    brand = services.brand_create(actor=owner, name="Maison Lune")
    invitation = team_services.invitation_create(
        actor=owner, kind="brand", team_id=brand.pk, username=invitee.username, role="admin"
    )
    with one_transaction():
        team_services.invitation_respond(actor=invitee, invitation_id=invitation.pk, accept=True)
    assert BrandMember.objects.get(brand=brand, user=invitee).role == "admin"


def test_handing_the_brand_over_keeps_one_owner_in_one_transaction():
    owner, heir = UserFactory(), UserFactory()
    brand = services.brand_create(actor=owner, name="Maison Lune")
    services.brand_member_add(actor=owner, brand_id=brand.pk, user=heir, role="admin")
    with one_transaction():
        team_services.member_role_change(
            actor=owner, kind="brand", team_id=brand.pk, user_id=heir.pk, role="owner"
        )
    roles = dict(BrandMember.objects.filter(brand=brand).values_list("user_id", "role"))
    assert roles == {owner.pk: "admin", heir.pk: "owner"}


def test_following_an_account_twice_takes_no_savepoint_and_counts_once():
    account = official_account()
    fan = UserFactory()
    with one_transaction():
        first = services.account_follow(user=fan, account_id=account.pk)
    with one_transaction():
        again = services.account_follow(user=fan, account_id=account.pk)
    assert again.pk == first.pk
    assert official_selectors.account_get(account_id=account.pk).follower_count == 1
