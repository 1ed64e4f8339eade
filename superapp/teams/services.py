"""Every write of the workspace's teams: invitations (sent by owners and admins, answered by the
invitee), leaving, roles and removal (owners). Each change is written to the team's audit log
(``TeamAuditEntry``) in the same transaction; memberships change through their apps' services."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from miniprograms import services as miniprogram_services
from superapp.accounts.selectors import user_by_username
from superapp.core.errors import (
    ALREADY_MEMBER,
    MEMBER_NOT_FOUND,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
)
from superapp.official import services as official_services
from superapp.teams import locks, selectors
from superapp.teams.errors import (
    INVITATION_NOT_FOUND,
    INVITATION_NOT_PENDING,
    INVITATION_PENDING,
    LAST_OWNER,
    OWN_MEMBERSHIP,
)
from superapp.teams.models import INVITABLE_ROLES, ROLES, Invitation, TeamAuditEntry, TeamKind
from superapp.teams.selectors import MANAGERS, OWNERS, Team

Status = Invitation.Status


class LastOwner(DomainError):
    code = LAST_OWNER
    default_detail = "The owner cannot leave: hand the team over to another member first."


class InvitationNotPending(DomainError):
    status = 409
    code = INVITATION_NOT_PENDING
    default_detail = "This invitation has already been answered or revoked."


def _audit(*, team: Team, actor, action: str, target: str = "", **details) -> None:
    TeamAuditEntry.objects.create(
        team_kind=team.kind,
        team_id=team.id,
        actor=actor,
        action=action,
        target=target,
        details=details,
    )


def _membership_set(*, kind: str, team_id: int, user_id: int, role: str | None) -> None:
    if kind == TeamKind.BRAND:
        official_services.brand_membership_set(brand_id=team_id, user_id=user_id, role=role)
    else:
        miniprogram_services.organisation_membership_set(
            organisation_id=team_id, user_id=user_id, role=role
        )


@transaction.atomic
def invitation_create(*, actor, kind: str, team_id: int, username: str, role: str) -> Invitation:
    """Owners and admins invite a person by username to join with ``role``; they become a
    member only when they accept. One pending invitation per person and team."""
    invitee = user_by_username(username)
    team = selectors.team_for_member(kind=kind, team_id=team_id, user=actor, roles=MANAGERS)
    if role not in INVITABLE_ROLES[kind]:
        allowed = " or ".join(INVITABLE_ROLES[kind])
        raise InvalidInput(fields={"role": [f"Must be {allowed}."]})
    if selectors.member_role(kind=kind, team_id=team_id, user_id=invitee.pk) is not None:
        raise Conflict(f"{invitee.username} is already a member.", code=ALREADY_MEMBER)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                team_kind=kind,
                team_id=team_id,
                team_name=team.name,
                role=role,
                invitee=invitee,
                invited_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(
            f"{invitee.username} already has an invitation waiting.", code=INVITATION_PENDING
        ) from exc
    _audit(team=team, actor=actor, action="invitation.sent", target=invitee.username, role=role)
    return invitation


def _pending_for_update(queryset, invitation_id: int) -> Invitation:
    invitation = locks.invitations(queryset.filter(pk=invitation_id)).first()
    if invitation is None:
        raise NotFound("No such invitation.", code=INVITATION_NOT_FOUND)
    if invitation.status != Status.PENDING:
        raise InvitationNotPending()
    return invitation


def _close(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])


@transaction.atomic
def invitation_revoke(*, actor, kind: str, team_id: int, invitation_id: int) -> Invitation:
    team = selectors.team_for_member(kind=kind, team_id=team_id, user=actor, roles=MANAGERS)
    invitation = _pending_for_update(
        Invitation.objects.filter(team_kind=kind, team_id=team_id), invitation_id
    )
    _close(invitation, Status.REVOKED)
    _audit(team=team, actor=actor, action="invitation.revoked", target=invitation.invitee.username)
    return invitation


@transaction.atomic
def invitation_respond(*, actor, invitation_id: int, accept: bool) -> Invitation:
    """The invitee accepts (they join with the invitation's role) or declines. Anybody else's
    invitation is invisible: 404 ``invitation_not_found``."""
    invitation = _pending_for_update(Invitation.objects.filter(invitee=actor), invitation_id)
    team = Team(invitation.team_kind, invitation.team_id, invitation.team_name, invitation.role)
    if accept:
        _membership_set(kind=team.kind, team_id=team.id, user_id=actor.pk, role=invitation.role)
    _close(invitation, Status.ACCEPTED if accept else Status.DECLINED)
    action = "invitation.accepted" if accept else "invitation.declined"
    _audit(team=team, actor=actor, action=action, target=actor.username, role=invitation.role)
    return invitation


@transaction.atomic
def team_leave(*, actor, kind: str, team_id: int) -> None:
    """A member leaves. The owner cannot (422 ``last_owner``): a team always has one."""
    team = selectors.team_for_member(kind=kind, team_id=team_id, user=actor)
    if team.role == "owner":
        raise LastOwner()
    _membership_set(kind=kind, team_id=team_id, user_id=actor.pk, role=None)
    _audit(team=team, actor=actor, action="member.left", target=actor.username, role=team.role)


def _other_member(*, team: Team, actor, user_id: int) -> str:
    if user_id == actor.pk:
        raise Forbidden(
            "Change your own membership by leaving or handing the team over.", code=OWN_MEMBERSHIP
        )
    role = selectors.member_role(kind=team.kind, team_id=team.id, user_id=user_id)
    if role is None:
        raise NotFound("No such member.", code=MEMBER_NOT_FOUND)
    return role


@transaction.atomic
def member_role_change(*, actor, kind: str, team_id: int, user_id: int, role: str):
    """Owners change a member's role; making a member ``owner`` hands the team over (the
    previous owner becomes an admin)."""
    team = selectors.team_for_member(kind=kind, team_id=team_id, user=actor, roles=OWNERS)
    if role not in ROLES[kind]:
        raise InvalidInput(fields={"role": [f"Must be one of {', '.join(ROLES[kind])}."]})
    previous = _other_member(team=team, actor=actor, user_id=user_id)
    _membership_set(kind=kind, team_id=team_id, user_id=user_id, role=role)
    member = _member(team=team, user_id=user_id)
    _audit(
        team=team,
        actor=actor,
        action="member.role_changed",
        target=member.username,
        previous=previous,
        role=role,
    )
    return member


@transaction.atomic
def member_remove(*, actor, kind: str, team_id: int, user_id: int) -> None:
    """Owners remove a member (not themselves: they hand the team over first)."""
    team = selectors.team_for_member(kind=kind, team_id=team_id, user=actor, roles=OWNERS)
    role = _other_member(team=team, actor=actor, user_id=user_id)
    member = _member(team=team, user_id=user_id)
    _membership_set(kind=kind, team_id=team_id, user_id=user_id, role=None)
    _audit(team=team, actor=actor, action="member.removed", target=member.username, role=role)


@transaction.atomic
def organisation_member_remove(*, actor, organisation_id: int, member_id: int) -> None:
    """The developer API's removal by membership id (``DELETE /api/v1/dev/organisations/{id}/
    members/{member_id}``): its own rules (owners and admins; never the owner), audited like
    ``member_remove``."""
    removed = miniprogram_services.organisation_member_remove(
        actor=actor, organisation_id=organisation_id, member_id=member_id
    )
    team = Team(TeamKind.ORGANISATION, organisation_id, removed.organisation.name, "")
    _audit(
        team=team,
        actor=actor,
        action="member.removed",
        target=removed.user.username,
        role=removed.role,
    )


def _member(*, team: Team, user_id: int) -> selectors.Member:
    return next(
        m for m in selectors.team_members(kind=team.kind, team_id=team.id) if m.user_id == user_id
    )
