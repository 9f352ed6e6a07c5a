"""`Authorization: Bearer <key>`: the key identifies one organisation's linked Dext account."""

import hashlib

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from approvalmax.core.log_context import bind
from approvalmax.core.versioned_reads import remember_token, with_token
from approvalmax.core.throttle import FailureLimit
from dext_integration.models import DextConnection

KEYWORD = b"bearer"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DextKeyAuthentication(BaseAuthentication):
    """Sets `request.auth` to the key's active DextConnection; there is no user."""

    def authenticate(self, request):
        failures = FailureLimit("dext-key", settings.DEXT_KEY_FAILURE_LIMIT, settings.DEXT_KEY_FAILURE_WINDOW_SECONDS)
        wait = failures.blocked_for(request)
        if wait is not None:
            raise exceptions.Throttled(wait, "Too many unknown API keys from this address.")
        try:
            return self._connection(request)
        except exceptions.AuthenticationFailed:
            failures.record(request)
            raise

    def _connection(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            raise exceptions.NotAuthenticated("Send the API key as 'Authorization: Bearer <key>'.")
        if parts[0].lower() != KEYWORD or len(parts) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be 'Bearer <key>'.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Unknown API key.") from None
        connection = (
            with_token(DextConnection.objects.select_related("organisation")).filter(key_hash=key_hash(key)).first()
        )
        if connection is None:
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if connection.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        remember_token(connection.organisation, connection.data_version_token)
        bind(organisation=connection.organisation.slug, organisation_id=connection.organisation_id)
        return None, connection

    def authenticate_header(self, request) -> str:
        return "Bearer"


class HasDextKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, DextConnection)
