"""One shape for every API error: {"error": {"code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from approvalmax.core.exceptions import ApplicationError


def error_response(status_code: int, code: str, message: str, fields: dict | None = None, headers=None) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status_code,
        headers=headers,
    )


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    return {}


def _messages(value):
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return " ".join(str(v) for v in value)
        return [_messages(v) for v in value]
    if isinstance(value, dict):
        return {key: _messages(v) for key, v in value.items()}
    return str(value)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return error_response(exc.status_code, exc.code, exc.message, exc.fields)
    if isinstance(exc, Http404):
        return error_response(status.HTTP_404_NOT_FOUND, "not_found", "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(status.HTTP_403_FORBIDDEN, "forbidden", "You may not do this.")
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "The request is invalid: " + ", ".join(sorted(fields)) if fields else _messages(exc.detail)
        return error_response(exc.status_code, "invalid", message, fields)
    if isinstance(exc, exceptions.APIException):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers = {"Retry-After": str(int(exc.wait))}
        return error_response(exc.status_code, exc.default_code, _messages(exc.detail), headers=headers)
    return None
