"""Every error code loyalty answers with, each spelled once (docs/architecture.md, "Errors")."""

from superapp.core.errors import (
    ACCOUNT_NOT_FOUND,
    ALREADY_MEMBER,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
)

# Error codes (the stable `code` of a 4xx body), each spelled once in the tree.
ALREADY_ASSIGNED = "already_assigned"
CARD_NOT_FOUND = "card_not_found"
CLIENT_NOT_FOUND = "client_not_found"
INSUFFICIENT_POINTS = "insufficient_points"
NO_RECIPIENTS = "no_recipients"
NOT_A_MEMBER = "not_a_member"
NOT_YOUR_CLIENT = "not_your_client"
PROGRAM_EXISTS = "program_exists"
PROGRAM_NOT_FOUND = "program_not_found"
REDEMPTION_ABOVE_CAP = "redemption_above_cap"
REWARD_NOT_FOUND = "reward_not_found"
SEGMENT_NOT_FOUND = "segment_not_found"
TAG_NOT_FOUND = "tag_not_found"
TASK_NOT_FOUND = "task_not_found"
TOO_MANY_RECIPIENTS = "too_many_recipients"
TOO_MANY_TAGS = "too_many_tags"


class ProgramNotFound(NotFound):
    code, default_detail = PROGRAM_NOT_FOUND, "This brand runs no loyalty program."


class ProgramExists(Conflict):
    code, default_detail = PROGRAM_EXISTS, "This brand already runs a program."


class NotAMember(NotFound):
    code, default_detail = NOT_A_MEMBER, "You are not a member of this program."


class AlreadyMember(Conflict):
    code, default_detail = ALREADY_MEMBER, "You are already a member."


class CardNotFound(NotFound):
    code, default_detail = CARD_NOT_FOUND, "This card is not valid at this brand."


class AccountNotFound(NotFound):
    """A campaign names an official account that is not this brand's (or none at all)."""

    code, default_detail = ACCOUNT_NOT_FOUND, "No such official account."


class RewardNotFound(NotFound):
    code, default_detail = REWARD_NOT_FOUND, "No such reward."


class InsufficientPoints(DomainError):
    code, default_detail = INSUFFICIENT_POINTS, "Not enough points."


class RedemptionAboveCap(DomainError):
    code, default_detail = REDEMPTION_ABOVE_CAP, "That discount is above the program's cap."


class ClientNotFound(NotFound):
    code, default_detail = CLIENT_NOT_FOUND, "No such client."


class NotYourClient(Forbidden):
    code, default_detail = NOT_YOUR_CLIENT, "Only managers or the current associate hand over."


class AlreadyAssigned(Conflict):
    code, default_detail = ALREADY_ASSIGNED, "This associate already looks after the client."


class TooManyTags(DomainError):
    code, default_detail = TOO_MANY_TAGS, "This client has the maximum number of tags."


class TagNotFound(NotFound):
    code, default_detail = TAG_NOT_FOUND, "No such tag on this client."


class TaskNotFound(NotFound):
    code, default_detail = TASK_NOT_FOUND, "No such task."


class SegmentNotFound(NotFound):
    code, default_detail = SEGMENT_NOT_FOUND, "No such segment."


class NoRecipients(DomainError):
    code, default_detail = NO_RECIPIENTS, "No client in this segment consents to marketing."


class TooManyRecipients(DomainError):
    code, default_detail = TOO_MANY_RECIPIENTS, "Too many recipients for one campaign."
