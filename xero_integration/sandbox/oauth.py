"""The sandbox identity service: the one registered app, authorization codes and rotating tokens."""

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xero_integration.sandbox.models import AccessToken, AuthorizationCode, Connection, Grant, RefreshToken

CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-secret"
APP_NAME = "ApprovalMax"
# Any redirect URI of the registered app ends with this path (any host: the demo runs anywhere).
REDIRECT_PATH_SUFFIX = "/xero/callback/"

ACCESS_TOKEN_SECONDS = 1800
AUTHORIZATION_CODE_SECONDS = 300
REFRESH_TOKEN_LIFETIME = timedelta(days=60)
REFRESH_GRACE_SECONDS = 30

ISSUER = "https://identity.xero.com"
SANDBOX_USER = {
    "xero_userid": "5c1a1c8e-6a3c-4c53-9a7e-2d0d5f1f6b11",
    "email": "demo.user@sandbox.example",
    "given_name": "Demo",
    "family_name": "User",
}

SCOPES = {
    "openid": "Your identity",
    "profile": "Your profile information",
    "email": "Your email address",
    "offline_access": "Access to your data when you are not using the app",
    "accounting.transactions": "Invoices, bills, payments and bank transactions",
    "accounting.transactions.read": "View invoices, bills, payments and bank transactions",
    "accounting.invoices": "Invoices and bills",
    "accounting.invoices.read": "View invoices and bills",
    "accounting.payments": "Payments",
    "accounting.payments.read": "View payments",
    "accounting.banktransactions": "Bank transactions",
    "accounting.banktransactions.read": "View bank transactions",
    "accounting.contacts": "Contacts",
    "accounting.contacts.read": "View contacts",
    "accounting.settings": "Organisation settings, chart of accounts, tax rates and tracking",
    "accounting.settings.read": "View organisation settings, chart of accounts, tax rates and tracking",
    "accounting.attachments": "Attachments",
    "accounting.attachments.read": "View attachments",
    "accounting.budgets.read": "View budgets",
}


class InvalidGrant(Exception):
    pass


class TokenRejected(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def access_token_seconds() -> int:
    return getattr(settings, "XERO_SANDBOX_ACCESS_TOKEN_SECONDS", ACCESS_TOKEN_SECONDS)


def client_authenticated(client_id: str, client_secret: str) -> bool:
    return hmac.compare_digest(client_id.encode(), CLIENT_ID.encode()) and hmac.compare_digest(
        client_secret.encode(), CLIENT_SECRET.encode()
    )


def registered_redirect_uris() -> set[str]:
    """As in Xero's developer portal, the app's redirect URIs are registered and matched exactly:
    this deployment's callback, and any listed in XERO_SANDBOX_REDIRECT_URIS."""
    own = f"{settings.PUBLIC_BASE_URL}{REDIRECT_PATH_SUFFIX}"
    return {own, *getattr(settings, "XERO_SANDBOX_REDIRECT_URIS", [])}


def redirect_uri_allowed(uri: str) -> bool:
    return uri in registered_redirect_uris()


def unknown_scopes(scope: str) -> list[str]:
    return [name for name in scope.split() if name not in SCOPES]


def pkce_challenge(code_verifier: str) -> str:
    return _b64url(hashlib.sha256(code_verifier.encode("ascii", "replace")).digest())


def grant_create(*, scope: str, organisations) -> Grant:
    with transaction.atomic():
        grant = Grant.objects.create(client_id=CLIENT_ID, scope=" ".join(scope.split()))
        Connection.objects.bulk_create(Connection(grant=grant, organisation=org) for org in organisations)
    return grant


def authorization_code_issue(*, grant: Grant, redirect_uri: str, code_challenge: str) -> str:
    code = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(
        code_hash=_digest(code),
        grant=grant,
        redirect_uri=redirect_uri,
        code_challenge=code_challenge,
        expires_at=timezone.now() + timedelta(seconds=AUTHORIZATION_CODE_SECONDS),
    )
    return code


def code_exchange(*, code: str, redirect_uri: str, code_verifier: str) -> dict:
    now = timezone.now()
    with transaction.atomic():
        row = (
            AuthorizationCode.objects.select_for_update()
            .select_related("grant")
            .filter(code_hash=_digest(code))
            .first()
        )
        if row is None or row.used_at or row.expires_at <= now or row.grant.revoked_at:
            raise InvalidGrant
        if redirect_uri != row.redirect_uri:
            raise InvalidGrant
        if row.code_challenge and not hmac.compare_digest(pkce_challenge(code_verifier), row.code_challenge):
            raise InvalidGrant
        row.used_at = now
        row.save(update_fields=["used_at"])
        return _issue(row.grant)


def refresh(*, refresh_token: str) -> dict:
    """Rotate: a new pair each time; the old token answers the same new pair for a short grace period."""
    now = timezone.now()
    grace = timedelta(seconds=REFRESH_GRACE_SECONDS)
    with transaction.atomic():
        row = (
            RefreshToken.objects.select_for_update()
            .select_related("grant")
            .filter(token_hash=_digest(refresh_token))
            .first()
        )
        if row is None or row.grant.revoked_at or row.expires_at <= now:
            raise InvalidGrant
        if row.rotated_at:
            if now - row.rotated_at <= grace and row.rotation_answer:
                return row.rotation_answer
            raise InvalidGrant
        answer = _issue(row.grant)
        row.rotated_at = now
        row.rotation_answer = answer
        row.save(update_fields=["rotated_at", "rotation_answer"])
        # Past the grace period the kept answers are no longer needed: drop the live tokens they hold.
        RefreshToken.objects.filter(grant=row.grant, rotated_at__lt=now - grace).exclude(
            rotation_answer__isnull=True
        ).update(rotation_answer=None)
        return answer


def revoke(*, token: str) -> None:
    """Revoking a refresh token ends its grant: its connections go, its tokens stop refreshing."""
    row = RefreshToken.objects.select_related("grant").filter(token_hash=_digest(token)).first()
    if row is None:
        return
    with transaction.atomic():
        Grant.objects.filter(pk=row.grant_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
        Connection.objects.filter(grant_id=row.grant_id).delete()


def grant_for_bearer(authorization: str) -> Grant:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected("AuthenticationUnsuccessful")
    row = AccessToken.objects.select_related("grant").filter(token_hash=_digest(token.strip())).first()
    if row is None:
        raise TokenRejected("AuthenticationUnsuccessful")
    if row.expires_at <= timezone.now():
        raise TokenRejected(f"TokenExpired: token expired at {row.expires_at:%m/%d/%Y %H:%M:%S}")
    return row.grant


def _issue(grant: Grant) -> dict:
    now = timezone.now()
    lifetime = access_token_seconds()
    access_claims = {
        "nbf": int(now.timestamp()),
        "exp": int(now.timestamp()) + lifetime,
        "iss": ISSUER,
        "aud": f"{ISSUER}/resources",
        "client_id": grant.client_id,
        "sub": SANDBOX_USER["xero_userid"].replace("-", ""),
        "auth_time": int(grant.created_at.timestamp()),
        "xero_userid": SANDBOX_USER["xero_userid"],
        "global_session_id": grant.auth_event_id.hex,
        "jti": uuid.uuid4().hex,
        "authentication_event_id": str(grant.auth_event_id),
        "scope": sorted(grant.scopes),
    }
    access_token = _jwt(access_claims)
    AccessToken.objects.create(
        token_hash=_digest(access_token), grant=grant, expires_at=now + timedelta(seconds=lifetime)
    )
    answer = {}
    if "openid" in grant.scopes:
        answer["id_token"] = _id_token(grant, access_token, now)
    answer.update(access_token=access_token, expires_in=lifetime, token_type="Bearer")
    if "offline_access" in grant.scopes:
        refresh_token = secrets.token_hex(32)
        RefreshToken.objects.create(
            token_hash=_digest(refresh_token), grant=grant, expires_at=now + REFRESH_TOKEN_LIFETIME
        )
        answer["refresh_token"] = refresh_token
    answer["scope"] = grant.scope
    return answer


def _id_token(grant: Grant, access_token: str, now) -> str:
    at_hash = _b64url(hashlib.sha256(access_token.encode()).digest()[:16])
    return _jwt(
        {
            "nbf": int(now.timestamp()),
            "exp": int(now.timestamp()) + 300,
            "iss": ISSUER,
            "aud": grant.client_id,
            "iat": int(now.timestamp()),
            "at_hash": at_hash,
            "sid": grant.auth_event_id.hex,
            "sub": SANDBOX_USER["xero_userid"].replace("-", ""),
            "auth_time": int(grant.created_at.timestamp()),
            "preferred_username": SANDBOX_USER["email"],
            **SANDBOX_USER,
        }
    )


def _jwt(claims: dict) -> str:
    # HS256 with a key derived from SECRET_KEY: real Xero signs RS256, but clients only decode.
    header = _b64url(json.dumps({"alg": "HS256", "kid": "xero-sandbox", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(claims).encode())
    key = hashlib.sha256(f"xero-sandbox-jwt:{settings.SECRET_KEY}".encode()).digest()
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
