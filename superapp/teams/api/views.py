"""Thin HTTP layer of the workspace's teams: validate, call one service or selector, shape."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.core.api import InvitationOutput, SelectorListView, validated
from superapp.core.pagination import page_of, single_page
from superapp.teams import selectors, services
from superapp.teams.api import serializers as s
from superapp.teams.models import Invitation, TeamAuditEntry
from superapp.teams.selectors import MANAGERS, OWNERS

TEAMS = ["teams"]


class TeamsView(APIView):
    @extend_schema(
        responses=page_of(s.WorkspaceTeamOutput),
        tags=TEAMS,
        summary="The brands and developer organisations the caller belongs to, with their role",
    )
    def get(self, request):
        return single_page(selectors.teams_for_user(user=request.user), s.WorkspaceTeamOutput)


class TeamMembersView(APIView):
    @extend_schema(responses=page_of(s.TeamMemberOutput), tags=TEAMS, summary="A team's members")
    def get(self, request, kind: str, team_id: int):
        selectors.team_for_member(kind=kind, team_id=team_id, user=request.user)
        return single_page(selectors.team_members(kind=kind, team_id=team_id), s.TeamMemberOutput)


class TeamMemberView(APIView):
    @extend_schema(
        request=s.RoleInput,
        responses={200: s.TeamMemberOutput},
        tags=TEAMS,
        summary="Change a member's role (owners; role owner hands the team over)",
    )
    def patch(self, request, kind: str, team_id: int, user_id: int):
        data = validated(s.RoleInput, request.data)
        member = services.member_role_change(
            actor=request.user, kind=kind, team_id=team_id, user_id=user_id, role=data["role"]
        )
        return Response(s.TeamMemberOutput(member).data)

    @extend_schema(responses={204: None}, tags=TEAMS, summary="Remove a member (owners)")
    def delete(self, request, kind: str, team_id: int, user_id: int):
        services.member_remove(actor=request.user, kind=kind, team_id=team_id, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamLeaveView(APIView):
    @extend_schema(request=None, responses={204: None}, tags=TEAMS, summary="Leave a team")
    def post(self, request, kind: str, team_id: int):
        services.team_leave(actor=request.user, kind=kind, team_id=team_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(tags=TEAMS, summary="A team's invitations (owners, admins)"))
class TeamInvitationsView(SelectorListView):
    model = Invitation
    serializer_class = InvitationOutput

    @staticmethod
    def selector(request, kind, team_id):
        selectors.team_for_member(kind=kind, team_id=team_id, user=request.user, roles=MANAGERS)
        return selectors.team_invitations(kind=kind, team_id=team_id)

    @extend_schema(
        request=s.InvitationInput,
        responses={201: InvitationOutput},
        tags=TEAMS,
        summary="Invite a person by username (owners, admins); they join when they accept",
    )
    def post(self, request, kind: str, team_id: int):
        data = validated(s.InvitationInput, request.data)
        invitation = services.invitation_create(
            actor=request.user,
            kind=kind,
            team_id=team_id,
            **data,
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class BrandMembersView(TeamInvitationsView):
    """shared/API.md's "add a member to a brand": it sends an invitation now."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request=s.InvitationInput,
        responses={201: InvitationOutput},
        tags=["brands"],
        summary="Invite a person to a brand (owners, admins); they join when they accept",
    )
    def post(self, request, brand_id: int):
        return super().post(request, kind="brand", team_id=brand_id)


class TeamInvitationView(APIView):
    @extend_schema(
        responses={200: InvitationOutput}, tags=TEAMS, summary="Revoke a pending invitation"
    )
    def delete(self, request, kind: str, team_id: int, invitation_id: int):
        invitation = services.invitation_revoke(
            actor=request.user, kind=kind, team_id=team_id, invitation_id=invitation_id
        )
        return Response(InvitationOutput(invitation).data)


@extend_schema_view(get=extend_schema(tags=TEAMS, summary="Who changed the membership (owners)"))
class TeamAuditLogView(SelectorListView):
    model = TeamAuditEntry
    serializer_class = s.TeamAuditEntryOutput

    @staticmethod
    def selector(request, kind, team_id):
        selectors.team_for_member(kind=kind, team_id=team_id, user=request.user, roles=OWNERS)
        return selectors.team_audit_log(kind=kind, team_id=team_id)


@extend_schema_view(get=extend_schema(tags=TEAMS, summary="Invitations waiting for my answer"))
class MyInvitationsView(SelectorListView):
    model = Invitation
    serializer_class = InvitationOutput

    @staticmethod
    def selector(request):
        return selectors.invitations_for_invitee(user=request.user)


class InvitationAnswerView(APIView):
    accept = True

    @extend_schema(request=None, responses={200: InvitationOutput}, tags=TEAMS)
    def post(self, request, invitation_id: int):
        invitation = services.invitation_respond(
            actor=request.user, invitation_id=invitation_id, accept=self.accept
        )
        return Response(InvitationOutput(invitation).data)


class OrganisationMemberView(APIView):
    """The developer API's older removal of an organisation member by membership id; written
    to the team's audit log like ``DELETE /teams/organisation/{id}/members/{user_id}``."""

    @extend_schema(responses={204: None}, tags=["miniprogram-developers"])
    def delete(self, request, organisation_id: int, member_id: int):
        services.organisation_member_remove(
            actor=request.user, organisation_id=organisation_id, member_id=member_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
