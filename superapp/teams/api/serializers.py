from rest_framework import serializers

from superapp.teams.models import INVITATION_ROLES, MEMBER_ROLES, TeamAuditEntry, TeamKind


class WorkspaceTeamOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TeamKind.choices)
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=MEMBER_ROLES, help_text="The caller's role.")


class TeamMemberOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=MEMBER_ROLES)


class RoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=MEMBER_ROLES)


class InvitationInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=INVITATION_ROLES)


class TeamAuditEntryOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = TeamAuditEntry
        fields = ["id", "actor", "action", "target", "details", "created_at"]
