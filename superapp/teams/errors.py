"""The error codes the teams app answers with, each spelled once (architecture.md); codes other
apps answer with too (``already_member``, ``member_not_found``, ``team_not_found``,
``insufficient_role``) live in superapp/core/errors.py."""

INVITATION_NOT_FOUND = "invitation_not_found"
INVITATION_NOT_PENDING = "invitation_not_pending"
INVITATION_PENDING = "invitation_pending"
LAST_OWNER = "last_owner"
OWN_MEMBERSHIP = "own_membership"
