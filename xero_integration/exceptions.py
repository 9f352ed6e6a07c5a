from approvalmax.core.exceptions import ApplicationError


class XeroError(Exception):
    """Xero answered something we could not use. `status` is the HTTP status, if any."""

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class XeroUnavailable(XeroError):
    """Transient: a 5xx, a timeout or a dropped connection. Safe to retry later."""


class XeroRateLimited(XeroError):
    def __init__(self, message: str, *, retry_after: float, problem: str, status: int = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after
        self.problem = problem


class XeroAuthError(XeroError):
    """The grant is gone or refused: a person must reconnect."""


class XeroValidationError(XeroError):
    def __init__(self, messages: list[str], *, status: int = 400, body: str = "") -> None:
        super().__init__("; ".join(messages) or "Xero refused the data.", status=status, body=body)
        self.messages = messages


class XeroNotConnected(ApplicationError):
    code = "xero_not_connected"
    status_code = 409
