"""identity.xero.com and login.xero.com: consent, token, revocation, and api.xero.com/connections."""

import base64
import binascii
import uuid
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from xero_integration.sandbox import oauth
from xero_integration.sandbox.models import Connection, Organisation
from xero_integration.sandbox.xero_json import identity_datetime, json_response, problem

_AUTHORIZE_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.method == "GET" else request.POST
    refusal = _authorize_refusal(params)
    # As at login.xero.com, a bad request is shown here; only the user's own answer goes back to the client.
    if refusal:
        return _error_page(request, *refusal)
    redirect_uri, scope, state = params["redirect_uri"], params["scope"], params.get("state")
    if request.method == "GET":
        return _consent_page(request, params, scope)
    if request.POST.get("decision") != "allow":
        return _back_to_client(redirect_uri, error="access_denied", state=state)
    chosen = Organisation.objects.filter(pk__in=_uuids(request.POST.getlist("tenant")))
    if not chosen.exists():
        return _consent_page(request, params, scope, form_error="Choose at least one organisation to connect.")
    grant = oauth.grant_create(scope=scope, organisations=chosen)
    code = oauth.authorization_code_issue(
        grant=grant, redirect_uri=redirect_uri, code_challenge=params.get("code_challenge", "")
    )
    return _back_to_client(redirect_uri, code=code, scope=grant.scope, state=state, session_state=uuid.uuid4().hex)


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    if not oauth.client_authenticated(*_client_credentials(request)):
        return _oauth_error("invalid_client", 401)
    grant_type = request.POST.get("grant_type")
    try:
        if grant_type == "authorization_code":
            answer = oauth.code_exchange(
                code=request.POST.get("code", ""),
                redirect_uri=request.POST.get("redirect_uri", ""),
                code_verifier=request.POST.get("code_verifier", ""),
            )
        elif grant_type == "refresh_token":
            answer = oauth.refresh(refresh_token=request.POST.get("refresh_token", ""))
        else:
            return _oauth_error("unsupported_grant_type", 400)
    except oauth.InvalidGrant:
        return _oauth_error("invalid_grant", 400)
    return _no_store(JsonResponse(answer))


@csrf_exempt
@require_POST
def revocation(request: HttpRequest) -> HttpResponse:
    if not oauth.client_authenticated(*_client_credentials(request)):
        return _oauth_error("invalid_client", 401)
    oauth.revoke(token=request.POST.get("token", ""))
    return HttpResponse(status=200)


@csrf_exempt
def connections(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    try:
        grant = oauth.grant_for_bearer(request.headers.get("Authorization", ""))
    except oauth.TokenRejected as rejected:
        return problem(401, "Unauthorized", rejected.detail)
    rows = Connection.objects.filter(grant=grant).select_related("organisation")
    auth_event_id = request.GET.get("authEventId")
    if auth_event_id:
        rows = rows.filter(grant_id__in=_uuids([auth_event_id]))
    return json_response([_connection_json(row) for row in rows])


@csrf_exempt
def connection(request: HttpRequest, connection_id: str) -> HttpResponse:
    if request.method != "DELETE":
        return HttpResponseNotAllowed(["DELETE"])
    try:
        grant = oauth.grant_for_bearer(request.headers.get("Authorization", ""))
    except oauth.TokenRejected as rejected:
        return problem(401, "Unauthorized", rejected.detail)
    matches = Connection.objects.filter(grant=grant, pk__in=_uuids([connection_id]))
    deleted, _ = matches.delete()
    return HttpResponse(status=204 if deleted else 404)


def _authorize_refusal(params) -> tuple[str, str] | None:
    if params.get("client_id") != oauth.CLIENT_ID:
        return "unauthorized_client", "The client_id is missing or not registered with the sandbox."
    if not oauth.redirect_uri_allowed(params.get("redirect_uri", "")):
        return "invalid_request", "The redirect_uri is missing or not registered for this app."
    if params.get("response_type") != "code":
        return "unsupported_response_type", "The response_type must be code."
    scope = params.get("scope", "")
    if not scope.split():
        return "invalid_scope", "The scope is missing."
    if oauth.unknown_scopes(scope):
        return "invalid_scope", f"Unknown scopes: {', '.join(oauth.unknown_scopes(scope))}."
    challenge, method = params.get("code_challenge", ""), params.get("code_challenge_method", "")
    if bool(challenge) != bool(method) or (method and method != "S256"):
        return "invalid_request", "PKCE needs a code_challenge with code_challenge_method S256."
    return None


def _connection_json(row: Connection) -> dict:
    return {
        "id": str(row.id),
        "authEventId": str(row.grant_id),
        "tenantId": str(row.organisation_id),
        "tenantType": "ORGANISATION",
        "tenantName": row.organisation.name,
        "createdDateUtc": identity_datetime(row.created_at),
        "updatedDateUtc": identity_datetime(row.updated_at),
    }


def _consent_page(request: HttpRequest, params, scope: str, form_error: str = "") -> HttpResponse:
    context = {
        "app_name": oauth.APP_NAME,
        "scopes": [(name, oauth.SCOPES[name]) for name in scope.split()],
        "organisations": Organisation.objects.order_by("name"),
        "chosen": set(request.POST.getlist("tenant")),
        "hidden": [(name, params[name]) for name in _AUTHORIZE_PARAMETERS if name in params],
        "form_error": form_error,
    }
    return render(request, "xero_sandbox/consent.html", context)


def _error_page(request: HttpRequest, title: str, message: str) -> HttpResponse:
    return render(request, "xero_sandbox/error.html", {"title": title, "message": message}, status=400)


def _back_to_client(redirect_uri: str, **params: str | None) -> HttpResponseRedirect:
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """HTTP Basic (form-encoded id and secret, RFC 6749 §2.3.1) or the form's own fields."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        return unquote(client_id), unquote(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _oauth_error(error: str, status: int) -> JsonResponse:
    return _no_store(JsonResponse({"error": error}, status=status))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found
