"""The stand-in's Intuit OAuth 2.0 server: one registered app, codes, and rotating tokens.

Access tokens live 3,600 s; refresh tokens 100 days, rolling, within the grant's hard maximum
life (5 years), which every token answer states in `x_refresh_token_expires_in`. Each refresh
gives a new refresh token; the one it replaces answers the same pair for a short grace period,
then is refused, so a client that does not keep the latest loses its connection."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quickbooks_integration.sandbox.models import AccessToken, AuthorizationCode, Grant, RefreshToken

CLIENT_ID = "qbo-sandbox-client"
CLIENT_SECRET = "qbo-sandbox-secret"
# Any redirect URI of the registered app ends with this path (any host: the demo runs anywhere).
REDIRECT_PATH_SUFFIX = "/quickbooks/callback/"
SCOPES = {"com.intuit.quickbooks.accounting": "Your company's accounting data",
          "openid": "Your identity", "profile": "Your profile", "email": "Your email address"}
ACCESS_TOKEN_SECONDS = 3600
AUTHORIZATION_CODE_SECONDS = 300
REFRESH_TOKEN_LIFETIME = timedelta(days=100)
HARD_LIFETIME = timedelta(days=5 * 365)
REFRESH_GRACE_SECONDS = 30


class InvalidGrant(Exception):
    pass


def client_authenticated(client_id: str, client_secret: str) -> bool:
    return hmac.compare_digest(client_id.encode(), CLIENT_ID.encode()) and hmac.compare_digest(
        client_secret.encode(), CLIENT_SECRET.encode())


def registered_redirect_uris() -> set[str]:
    """Registered and matched exactly, as on Intuit's developer portal: this deployment's
    callback, and any listed in QBO_SANDBOX_REDIRECT_URIS."""
    return {f"{settings.PUBLIC_BASE_URL}{REDIRECT_PATH_SUFFIX}", *getattr(settings, "QBO_SANDBOX_REDIRECT_URIS", [])}


def unknown_scopes(scope: str) -> list[str]:
    return [name for name in scope.split() if name not in SCOPES]


def _hard_lifetime() -> timedelta:
    return timedelta(seconds=getattr(settings, "QBO_SANDBOX_HARD_LIFETIME_SECONDS", HARD_LIFETIME.total_seconds()))


def grant_create(*, company, scope: str) -> Grant:
    return Grant.objects.create(client_id=CLIENT_ID, company=company, scope=" ".join(scope.split()),
                                hard_expires_at=timezone.now() + _hard_lifetime())


def authorization_code_issue(*, grant: Grant, redirect_uri: str) -> str:
    code = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(code_hash=_digest(code), grant=grant, redirect_uri=redirect_uri,
                                     expires_at=timezone.now() + timedelta(seconds=AUTHORIZATION_CODE_SECONDS))
    return code


def code_exchange(*, code: str, redirect_uri: str) -> dict:
    now = timezone.now()
    with transaction.atomic():
        row = AuthorizationCode.objects.select_for_update().select_related("grant").filter(
            code_hash=_digest(code)).first()
        if row is None or row.used_at or row.expires_at <= now or row.grant.revoked_at:
            raise InvalidGrant
        if redirect_uri != row.redirect_uri:
            raise InvalidGrant
        row.used_at = now
        row.save(update_fields=["used_at"])
        return _issue(row.grant)


def refresh(*, refresh_token: str) -> dict:
    now = timezone.now()
    with transaction.atomic():
        row = RefreshToken.objects.select_for_update().select_related("grant").filter(
            token_hash=_digest(refresh_token)).first()
        if row is None or row.grant.revoked_at or row.expires_at <= now or row.grant.hard_expires_at <= now:
            raise InvalidGrant
        if row.rotated_at:
            if now - row.rotated_at <= timedelta(seconds=REFRESH_GRACE_SECONDS) and row.rotation_answer:
                return row.rotation_answer
            raise InvalidGrant
        answer = _issue(row.grant)
        row.rotated_at, row.rotation_answer = now, answer
        row.save(update_fields=["rotated_at", "rotation_answer"])
        return answer


def revoke(*, token: str) -> bool:
    """Revoking either token of a grant ends the grant. False when the token is unknown."""
    digest = _digest(token)
    row = (RefreshToken.objects.filter(token_hash=digest).first()
           or AccessToken.objects.filter(token_hash=digest).first())
    if row is None:
        return False
    Grant.objects.filter(pk=row.grant_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return True


def grant_for_bearer(authorization: str) -> tuple[Grant | None, str]:
    """The grant and "" when the token is good; None and why when it is not."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Authorization header missing or malformed."
    row = AccessToken.objects.select_related("grant__company").filter(token_hash=_digest(token.strip())).first()
    if row is None or row.grant.revoked_at:
        return None, "Token revocation or invalid token."
    if row.expires_at <= timezone.now():
        return None, f"Token expired: {row.expires_at:%Y-%m-%dT%H:%M:%S}"
    return row.grant, ""


def _issue(grant: Grant) -> dict:
    now = timezone.now()
    lifetime = int(getattr(settings, "QBO_SANDBOX_ACCESS_TOKEN_SECONDS", ACCESS_TOKEN_SECONDS))
    access_token = "qbo-at-" + secrets.token_urlsafe(48)
    refresh_token = "qbo-rt-" + secrets.token_urlsafe(32)
    refresh_expires = min(now + REFRESH_TOKEN_LIFETIME, grant.hard_expires_at)
    AccessToken.objects.create(token_hash=_digest(access_token), grant=grant,
                               expires_at=now + timedelta(seconds=lifetime))
    RefreshToken.objects.create(token_hash=_digest(refresh_token), grant=grant, expires_at=refresh_expires)
    return {"token_type": "bearer", "access_token": access_token, "expires_in": lifetime,
            "refresh_token": refresh_token,
            "x_refresh_token_expires_in": int((refresh_expires - now).total_seconds())}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
