from django.urls import path

from superapp.teams.api import views

team = "teams/<str:kind>/<int:team_id>"

urlpatterns = [
    path("teams", views.TeamsView.as_view(), name="teams"),
    path(f"{team}/members", views.TeamMembersView.as_view(), name="team-members"),
    path(f"{team}/members/<int:user_id>", views.TeamMemberView.as_view(), name="team-member"),
    path(f"{team}/leave", views.TeamLeaveView.as_view(), name="team-leave"),
    path(f"{team}/invitations", views.TeamInvitationsView.as_view(), name="team-invitations"),
    path(
        f"{team}/invitations/<int:invitation_id>",
        views.TeamInvitationView.as_view(),
        name="team-invitation",
    ),
    path(f"{team}/audit-log", views.TeamAuditLogView.as_view(), name="team-audit-log"),
    # The contract's "add a member to a brand" (shared/API.md) now sends an invitation.
    path("brands/<int:brand_id>/members", views.BrandMembersView.as_view(), name="brand-members"),
    path(
        "dev/organisations/<int:organisation_id>/members/<int:member_id>",
        views.OrganisationMemberView.as_view(),
        name="dev-organisation-member",
    ),
    path("invitations", views.MyInvitationsView.as_view(), name="my-invitations"),
    path(
        "invitations/<int:invitation_id>/accept",
        views.InvitationAnswerView.as_view(accept=True),
        name="invitation-accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline",
        views.InvitationAnswerView.as_view(accept=False),
        name="invitation-decline",
    ),
]
