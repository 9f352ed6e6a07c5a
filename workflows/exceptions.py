from approvalmax.core.exceptions import ApplicationError, Conflict, PermissionDenied


class AlreadyDecided(Conflict):
    code = "already_decided"


class NotAnApprover(PermissionDenied):
    code = "not_an_approver"


class SelfApprovalRefused(NotAnApprover):
    """Segregation of duties: the requester may not approve their own request."""

    code = "self_approval_refused"


class NotAnAdministrator(PermissionDenied):
    code = "not_an_administrator"


class RequestLocked(Conflict):
    """The request is approved or published and can no longer change."""

    code = "locked"


class CommentRequired(ApplicationError):
    code = "comment_required"


class NothingToRevoke(Conflict):
    code = "nothing_to_revoke"


class EditNotAllowed(PermissionDenied):
    code = "edit_not_allowed"


class TotalWouldChange(ApplicationError):
    code = "total_would_change"


class InvalidSubstitution(ApplicationError):
    code = "invalid_substitution"
