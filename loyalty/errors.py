"""Every error code loyalty answers with, each spelled once (docs/architecture.md, "Errors")."""

from superapp.core.errors import Conflict, DomainError, Forbidden, NotFound


class ProgramNotFound(NotFound):
    code, default_detail = "program_not_found", "This brand runs no loyalty program."


class ProgramExists(Conflict):
    code, default_detail = "program_exists", "This brand already runs a program."


class NotAMember(NotFound):
    code, default_detail = "not_a_member", "You are not a member of this program."


class AlreadyMember(Conflict):
    code, default_detail = "already_member", "You are already a member."


class CardNotFound(NotFound):
    code, default_detail = "card_not_found", "This card is not valid at this brand."


class AccountNotFound(NotFound):
    """A campaign names an official account that is not this brand's (or none at all)."""

    code, default_detail = "account_not_found", "No such official account."


class RewardNotFound(NotFound):
    code, default_detail = "reward_not_found", "No such reward."


class InsufficientPoints(DomainError):
    code, default_detail = "insufficient_points", "Not enough points."


class RedemptionAboveCap(DomainError):
    code, default_detail = "redemption_above_cap", "That discount is above the program's cap."


class ClientNotFound(NotFound):
    code, default_detail = "client_not_found", "No such client."


class NotYourClient(Forbidden):
    code, default_detail = "not_your_client", "Only managers or the current associate hand over."


class AlreadyAssigned(Conflict):
    code, default_detail = "already_assigned", "This associate already looks after the client."


class TooManyTags(DomainError):
    code, default_detail = "too_many_tags", "This client has the maximum number of tags."


class TagNotFound(NotFound):
    code, default_detail = "tag_not_found", "No such tag on this client."


class TaskNotFound(NotFound):
    code, default_detail = "task_not_found", "No such task."


class SegmentNotFound(NotFound):
    code, default_detail = "segment_not_found", "No such segment."


class NoRecipients(DomainError):
    code, default_detail = "no_recipients", "No client in this segment consents to marketing."


class TooManyRecipients(DomainError):
    code, default_detail = "too_many_recipients", "Too many recipients for one campaign."
