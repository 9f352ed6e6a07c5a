"""What every log line says about where it came from, and what it must never say.

`bound(organisation=…, request=…)` adds fields to every record logged inside it (contextvars,
so threads and tasks keep their own); the web middleware binds the HTTP request's id and the
organisation or approval request a URL names, Celery's signals bind the task's id and name.
`ContextFilter` puts the fields on each record and blanks anything that looks like a secret."""

import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_fields: ContextVar[dict] = ContextVar("log_fields", default={})

FIELDS = ("organisation", "organisation_id", "request", "http_request", "task_id", "task")

# Bearer tokens, our Dext keys, OAuth fields and basic-auth headers, however they reach a message.
_SECRETS = re.compile(
    r"(?i)(bearer\s+|basic\s+)[A-Za-z0-9._~+/=-]+"
    r"|amxd_[A-Za-z0-9_-]+"
    r"|((?:access_token|refresh_token|id_token|client_secret|code_verifier|password|api_key|secret)"
    r"[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
)


def redact(text: str) -> str:
    return _SECRETS.sub(lambda m: (m.group(1) or m.group(2) or "") + "[redacted]", text)


def bind(**fields):
    """Bind for the rest of this context (a Celery task); returns the token to `unbind`."""
    return _fields.set({**_fields.get(), **{k: str(v) for k, v in fields.items() if v is not None}})


@contextmanager
def bound(**fields):
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def unbind(token) -> None:
    _fields.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = _fields.get()
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, context.get(name, ""))
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info:
            # Formatters print exc_text when there is no exc_info, so the traceback is blanked too.
            record.exc_text = redact(record.exc_text or logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class LogContextMiddleware:
    """Binds the HTTP request's id (the proxy's X-Request-ID, or a new one, echoed back) and the
    organisation slug or approval request a URL names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if re.fullmatch(r"[A-Za-z0-9._-]{1,64}", given) else uuid.uuid4().hex
        # A fresh context, kept after the response: Django logs the response's status after
        # every middleware has returned, and that line should say which request it was.
        _fields.set({"http_request": request_id})
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        bind(organisation=view_kwargs.get("slug"), request=view_kwargs.get("public_id"))
