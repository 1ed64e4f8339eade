"""Invitations to the teams people work in (a brand, a developer organisation) and the audit log
of every change to their membership. The memberships themselves stay with their apps
(``official.BrandMember``, ``miniprograms.OrganisationMember``); a team is named here by its
kind and id."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TeamKind(models.TextChoices):
    BRAND = "brand"
    ORGANISATION = "organisation"


#: Roles an invitation may offer (owners are made by handing a team over, never invited).
INVITABLE_ROLES = {
    TeamKind.BRAND: ("admin", "associate"),
    TeamKind.ORGANISATION: ("admin", "developer"),
}
#: Every role a member may hold.
ROLES = {kind: ("owner", *roles) for kind, roles in INVITABLE_ROLES.items()}
#: The same, whatever the kind (the API's enums).
INVITATION_ROLES = ("admin", "associate", "developer")
MEMBER_ROLES = ("owner", *INVITATION_ROLES)


class InvitationStatus(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class Invitation(models.Model):
    Status = InvitationStatus

    team_kind = models.CharField(max_length=16, choices=TeamKind.choices)
    team_id = models.PositiveBigIntegerField()
    team_name = models.CharField(max_length=100, help_text="The team's name when invited.")
    role = models.CharField(max_length=16)
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(team_kind__in=TeamKind.values), name="team_invitation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(team_kind=TeamKind.BRAND, role__in=INVITABLE_ROLES[TeamKind.BRAND])
                | Q(
                    team_kind=TeamKind.ORGANISATION,
                    role__in=INVITABLE_ROLES[TeamKind.ORGANISATION],
                ),
                name="team_invitation_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="team_invitation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", responded_at__isnull=True)
                | (~Q(status="pending") & Q(responded_at__isnull=False)),
                name="team_invitation_responded_when_closed",
            ),
            models.UniqueConstraint(
                fields=["team_kind", "team_id", "invitee"],
                condition=Q(status="pending"),
                name="team_invitation_one_pending",
            ),
        ]
        indexes = [
            models.Index(
                fields=["invitee"], condition=Q(status="pending"), name="team_invitation_inbox"
            ),
            models.Index(fields=["team_kind", "team_id", "-id"], name="team_invitation_team"),
        ]


class TeamAuditEntry(models.Model):
    """Who changed a team's membership, and how. Written by the service that makes the change,
    in its transaction: the log cannot miss a committed change nor record a rolled-back one."""

    team_kind = models.CharField(max_length=16, choices=TeamKind.choices)
    team_id = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=150, blank=True, help_text="The username concerned.")
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(team_kind__in=TeamKind.values), name="team_audit_kind_valid"
            )
        ]
        indexes = [models.Index(fields=["team_kind", "team_id", "-id"], name="team_audit_team")]
