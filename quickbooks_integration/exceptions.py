from approvalmax.core.exceptions import ApplicationError


class QuickBooksError(ApplicationError):
    """QuickBooks Online refused or failed a call. `code` is Intuit's error code when it gave one."""

    status_code = 502
    code = "quickbooks_error"

    def __init__(self, message: str, *, status: int | None = None, body: str = "", fault_code: str = ""):
        super().__init__(message)
        self.status = status
        self.body = body
        self.fault_code = fault_code


class QuickBooksFault(QuickBooksError):
    """A Fault in QBO's answer (a ValidationFault may come with HTTP 200): `messages` in plain words."""

    def __init__(self, messages: list[str], *, kind: str, codes: list[str], status: int | None = None,
                 body: str = ""):
        super().__init__("; ".join(messages), status=status, body=body, fault_code=codes[0] if codes else "")
        self.messages, self.kind, self.codes = messages, kind, codes


class QuickBooksUnavailable(QuickBooksError):
    """No answer, or a 5xx: worth retrying; the write may or may not have happened."""


class QuickBooksRateLimited(QuickBooksError):
    code = "quickbooks_rate_limited"

    def __init__(self, message: str, *, retry_after: float, problem: str = "minute"):
        super().__init__(message)
        self.retry_after = retry_after
        self.problem = problem


class QuickBooksAuthError(QuickBooksError):
    """The grant is gone or refused: a person must reconnect."""


class QuickBooksNotConnected(ApplicationError):
    status_code = 409
    code = "quickbooks_not_connected"
