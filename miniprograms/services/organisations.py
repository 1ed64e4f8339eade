"""Developer organisations and their members."""

from django.db import transaction

from miniprograms import selectors
from miniprograms.errors import OWNER_NOT_REMOVABLE
from miniprograms.models import (
    DeveloperOrganisation,
    OrganisationMember,
)
from superapp.core.errors import MEMBER_NOT_FOUND, Forbidden, NotFound
from superapp.core.memberships import membership_set

Role = OrganisationMember.Role


# --- Organisations -----------------------------------------------------------------------------


def _organisation_create(*, actor, name: str) -> DeveloperOrganisation:
    """A developer organisation whose owner is ``actor``."""
    organisation = DeveloperOrganisation.objects.create(name=name)
    OrganisationMember.objects.create(
        organisation=organisation, user=actor, role=OrganisationMember.Role.OWNER
    )
    return organisation


organisation_create = transaction.atomic(_organisation_create)  # the developer API's
# a brand's (official.brand_create) and a new app's own organisation are made inside those
# services' transactions (docs/architecture.md, "Transactions")
organisation_create_nested = transaction.atomic(savepoint=False)(_organisation_create)


def organisation_membership_set(*, organisation_id: int, user_id: int, role: str | None) -> None:
    """The membership primitive of the workspace's teams (``superapp.teams`` decides who may):
    add, re-role or (``role=None``) remove ``user_id``; making someone owner hands the organisation
    over (``superapp.core.memberships``)."""
    membership_set(
        OrganisationMember,
        scope={"organisation_id": organisation_id},
        user_id=user_id,
        role=role,
        conflict="Already a member of this organisation.",
    )


@transaction.atomic
def organisation_member_remove(
    *, actor, organisation_id: int, member_id: int
) -> OrganisationMember:
    """Owners and admins remove a member by membership id (not the owner); returns the removed
    membership (the caller, ``superapp.teams``, writes it to the team's audit log)."""
    organisation = selectors.organisation_for_member(
        organisation_id=organisation_id, user=actor, roles=selectors.MANAGERS
    )
    member = (
        OrganisationMember.objects.filter(pk=member_id, organisation=organisation)
        .select_related("user", "organisation")
        .first()
    )
    if member is None:
        raise NotFound("No such member.", code=MEMBER_NOT_FOUND)
    if member.role == Role.OWNER:
        raise Forbidden("The owner cannot be removed.", code=OWNER_NOT_REMOVABLE)
    member.delete()
    return member
