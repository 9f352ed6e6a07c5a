from approvalmax.core.exceptions import ApplicationError, Conflict, PermissionDenied


class AlreadyDecided(Conflict):
    code = "already_decided"


class NotAnApprover(PermissionDenied):
    code = "not_an_approver"


class RequestLocked(Conflict):
    """The request is approved or published and can no longer change."""

    code = "locked"


class CommentRequired(ApplicationError):
    code = "comment_required"
