"""Reads of the workspace's teams: a person's teams, a team's members, invitations and log.

A team is a brand (``superapp.official``) or a developer organisation (``miniprograms``); their
memberships are read through those apps' selectors and shaped alike here."""

from dataclasses import dataclass

from django.db.models import QuerySet

from miniprograms import selectors as miniprogram_selectors
from superapp.core.errors import INSUFFICIENT_ROLE, TEAM_NOT_FOUND, Forbidden, NotFound
from superapp.official import selectors as official_selectors
from superapp.teams.models import Invitation, TeamAuditEntry, TeamKind

OWNERS = ("owner",)
MANAGERS = ("owner", "admin")
EVERYONE = ("owner", "admin", "associate", "developer")


@dataclass(frozen=True)
class Team:
    kind: str
    id: int
    name: str
    role: str  # the caller's role in it


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    display_name: str
    role: str


def teams_for_user(*, user) -> list[Team]:
    """Every brand and developer organisation ``user`` belongs to, brands first, by name. A
    brand's own organisation is not listed: its apps (the shop) are the brand's."""
    brands = [
        Team(TeamKind.BRAND, m.brand_id, m.brand.name, m.role)
        for m in official_selectors.brand_memberships(user=user)
    ]
    memberships = list(miniprogram_selectors.organisation_memberships(user=user))
    # A brand's own organisation (it publishes the brand's shop) is run through the brand.
    brands_own = official_selectors.brand_organisation_ids(
        organisation_ids=[m.organisation_id for m in memberships]
    )
    organisations = [
        Team(TeamKind.ORGANISATION, m.organisation_id, m.organisation.name, m.role)
        for m in memberships
        if m.organisation_id not in brands_own
    ]
    return sorted(brands, key=lambda t: (t.name, t.id)) + sorted(
        organisations, key=lambda t: (t.name, t.id)
    )


def team_members(*, kind: str, team_id: int) -> list[Member]:
    if kind == TeamKind.BRAND:
        rows = official_selectors.brand_member_list(brand_id=team_id)
    else:
        rows = miniprogram_selectors.organisation_member_list(organisation_id=team_id)
    return [Member(m.user_id, m.user.username, m.user.display_name, m.role) for m in rows]


def team_for_member(*, kind: str, team_id: int, user, roles=EVERYONE) -> Team:
    """The team if ``user`` holds one of ``roles`` in it. Non-members get 404 ``team_not_found``
    (a team's internals are invisible to them); members with a lesser role get 403
    ``insufficient_role``."""
    team = next((t for t in teams_for_user(user=user) if t.kind == kind and t.id == team_id), None)
    if team is None:
        raise NotFound("No such team.", code=TEAM_NOT_FOUND)
    if team.role not in roles:
        raise Forbidden("Your role in this team does not allow this.", code=INSUFFICIENT_ROLE)
    return team


def member_role(*, kind: str, team_id: int, user_id: int) -> str | None:
    return next(
        (m.role for m in team_members(kind=kind, team_id=team_id) if m.user_id == user_id), None
    )


def team_invitations(*, kind: str, team_id: int) -> QuerySet[Invitation]:
    """A team's invitations, newest first (the pending ones and what became of the others)."""
    return (
        Invitation.objects.filter(team_kind=kind, team_id=team_id)
        .select_related("invitee", "invited_by")
        .order_by("-id")
    )


def invitations_for_invitee(*, user) -> QuerySet[Invitation]:
    """The invitations waiting for ``user``'s answer, newest first."""
    return (
        Invitation.objects.filter(invitee=user, status=Invitation.Status.PENDING)
        .select_related("invitee", "invited_by")
        .order_by("-id")
    )


def team_audit_log(*, kind: str, team_id: int) -> QuerySet[TeamAuditEntry]:
    return (
        TeamAuditEntry.objects.filter(team_kind=kind, team_id=team_id)
        .select_related("actor")
        .order_by("-id")
    )
