"""Developer organisations and their members."""

from django.db import IntegrityError, transaction

from miniprograms import selectors
from miniprograms.models import (
    DeveloperOrganisation,
    OrganisationMember,
)
from superapp.core.errors import Conflict, Forbidden, InvalidInput, NotFound

Role = OrganisationMember.Role


# --- Organisations -----------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor, name: str) -> DeveloperOrganisation:
    organisation = DeveloperOrganisation.objects.create(name=name)
    OrganisationMember.objects.create(
        organisation=organisation, user=actor, role=OrganisationMember.Role.OWNER
    )
    return organisation


@transaction.atomic
def organisation_member_add(*, actor, organisation_id: int, user, role: str) -> OrganisationMember:
    """Owners and admins add admins and developers; an organisation has one owner."""
    organisation = selectors.organisation_for_member(
        organisation_id=organisation_id, user=actor, roles=selectors.MANAGERS
    )
    if role not in (Role.ADMIN, Role.DEVELOPER):
        raise InvalidInput(fields={"role": ["Must be admin or developer."]})
    try:
        with transaction.atomic():
            return OrganisationMember.objects.create(
                organisation=organisation, user=user, role=role
            )
    except IntegrityError as exc:
        raise Conflict("Already a member of this organisation.", code="already_member") from exc


@transaction.atomic
def organisation_member_remove(*, actor, organisation_id: int, member_id: int) -> None:
    organisation = selectors.organisation_for_member(
        organisation_id=organisation_id, user=actor, roles=selectors.MANAGERS
    )
    member = OrganisationMember.objects.filter(pk=member_id, organisation=organisation).first()
    if member is None:
        raise NotFound("No such member.", code="member_not_found")
    if member.role == Role.OWNER:
        raise Forbidden("The owner cannot be removed.", code="owner_not_removable")
    member.delete()
