"""QBO's error bodies (QBO_FACTS.md, "Errors"): a `Fault` with its errors and type, and the
differently cased `fault` of an authentication failure."""

import json

from django.http import HttpResponse
from django.utils import timezone


class Fault(Exception):
    """One error QBO would answer: `code` is QBO's error code, `kind` the Fault's type."""

    def __init__(self, code: str, message: str, detail: str = "", *, element: str = "",
                 kind: str = "ValidationFault", status: int = 400):
        super().__init__(f"{code} {message}")
        self.code, self.message, self.detail, self.element = code, message, detail, element
        self.kind, self.status = kind, status

    def body(self) -> dict:
        return {"Fault": {"Error": [{"Message": self.message, "Detail": self.detail or self.message,
                                     "code": self.code, "element": self.element}], "type": self.kind},
                "time": stamp()}


def stamp() -> str:
    return timezone.now().isoformat(timespec="milliseconds")


def required(element: str) -> Fault:
    return Fault("2020", "Required param missing, need to supply the required value for the API",
                 f"Required parameter {element} is missing in the request", element=element)


def invalid_reference(kind: str, value) -> Fault:
    return Fault("2500", "Invalid Reference Id",
                 f"Invalid Reference Id : {kind} assigned to this transaction has been deleted. Before you can "
                 f"modify this transaction, you must restore {kind} (Id {value}).", element=kind)


def inactive(kind: str) -> Fault:
    return Fault("610", "Object Not Found",
                 "Something you're trying to use has been made inactive. Check the fields with accounts, "
                 f"customers, items, vendors or employees. ({kind})", element=kind)


def business(detail: str) -> Fault:
    return Fault("6000", "A business validation error has occurred while processing your request",
                 f"Business Validation Error: {detail}")


def malformed(detail: str) -> Fault:
    return Fault("2010", "Request has invalid or unsupported property", detail)


def json_answer(body: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json;charset=UTF-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def fault_answer(fault: Fault, *, in_200: bool = False) -> HttpResponse:
    # A validation fault may come with HTTP 200; system, throttling and auth faults keep theirs.
    status = 200 if in_200 and fault.kind == "ValidationFault" else fault.status
    return json_answer(fault.body(), status=status)


def authentication_failed(detail: str) -> HttpResponse:
    body = {"fault": {"error": [{"message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                                 "detail": detail, "code": "3200"}], "type": "AUTHENTICATION"},
            "time": stamp()}
    return json_answer(body, status=401, headers={
        "WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'})


def throttled(retry_after: int) -> HttpResponse:
    fault = Fault("3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                  "The request limit was reached.", kind="SERVICE", status=429)
    return json_answer(fault.body(), status=429, headers={"Retry-After": str(retry_after)})


def system_fault(detail: str = "An application error has occurred while processing your request") -> Fault:
    return Fault("10000", "An application error has occurred while processing your request", detail,
                 kind="SystemFault", status=500)
