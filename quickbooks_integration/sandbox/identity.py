"""appcenter.intuit.com and oauth.platform.intuit.com: consent, token and revocation."""

import base64
import binascii
import json
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from quickbooks_integration.sandbox import oauth
from quickbooks_integration.sandbox.models import Company

_AUTHORIZE_PARAMETERS = ("client_id", "response_type", "scope", "redirect_uri", "state")


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.method == "GET" else request.POST
    refusal = _authorize_refusal(params)
    # A bad request is shown here; only the user's own answer goes back to the client.
    if refusal:
        return render(request, "quickbooks_sandbox/error.html", {"title": "Something went wrong",
                                                                 "message": refusal}, status=400)
    redirect_uri, state = params["redirect_uri"], params.get("state")
    if request.method == "GET":
        return _consent_page(request, params)
    if request.POST.get("decision") != "allow":
        return _back_to_client(redirect_uri, error="access_denied", state=state)
    company = Company.objects.filter(realm_id=request.POST.get("realm", "")).first()
    if company is None:
        return _consent_page(request, params, form_error="Choose the company to connect.")
    grant = oauth.grant_create(company=company, scope=params["scope"])
    code = oauth.authorization_code_issue(grant=grant, redirect_uri=redirect_uri)
    return _back_to_client(redirect_uri, code=code, state=state, realmId=company.realm_id)


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    if not oauth.client_authenticated(*_basic_credentials(request)):
        return _oauth_error("invalid_client", 401)
    grant_type = request.POST.get("grant_type")
    try:
        if grant_type == "authorization_code":
            answer = oauth.code_exchange(code=request.POST.get("code", ""),
                                         redirect_uri=request.POST.get("redirect_uri", ""))
        elif grant_type == "refresh_token":
            answer = oauth.refresh(refresh_token=request.POST.get("refresh_token", ""))
        else:
            return _oauth_error("unsupported_grant_type", 400)
    except oauth.InvalidGrant:
        return _oauth_error("invalid_grant", 400)
    return _no_store(JsonResponse(answer))


@csrf_exempt
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """Intuit's revocation takes JSON `{"token": ...}` with the client's Basic credentials."""
    if not oauth.client_authenticated(*_basic_credentials(request)):
        return _oauth_error("invalid_client", 401)
    try:
        token_value = json.loads(request.body or b"{}").get("token", "")
    except (ValueError, AttributeError):
        return _oauth_error("invalid_request", 400)
    if not isinstance(token_value, str) or not token_value:
        return _oauth_error("invalid_request", 400)
    oauth.revoke(token=token_value)
    return HttpResponse(status=200)


def _authorize_refusal(params) -> str:
    if params.get("client_id") != oauth.CLIENT_ID:
        return "The client_id is missing or not registered (invalid_client)."
    if params.get("redirect_uri", "") not in oauth.registered_redirect_uris():
        return "The redirect_uri query parameter value is invalid: it is not registered for this app."
    if params.get("response_type") != "code":
        return "The response_type must be code."
    scope = params.get("scope", "")
    if not scope.split() or "com.intuit.quickbooks.accounting" not in scope.split():
        return "The scope must include com.intuit.quickbooks.accounting (invalid_scope)."
    if oauth.unknown_scopes(scope):
        return f"Unknown scopes: {', '.join(oauth.unknown_scopes(scope))} (invalid_scope)."
    if not params.get("state"):
        return "The state parameter is required."
    return ""


def _consent_page(request: HttpRequest, params, form_error: str = "") -> HttpResponse:
    return render(request, "quickbooks_sandbox/consent.html", {
        "scopes": [(name, oauth.SCOPES[name]) for name in params["scope"].split()],
        "companies": Company.objects.order_by("name"),
        "hidden": [(name, params[name]) for name in _AUTHORIZE_PARAMETERS if name in params],
        "form_error": form_error,
    }, status=400 if form_error else 200)


def _back_to_client(redirect_uri: str, **params: str | None) -> HttpResponseRedirect:
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in params.items() if value is not None]
    return HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))


def _basic_credentials(request: HttpRequest) -> tuple[str, str]:
    """Intuit takes the client's id and secret by HTTP Basic only."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return unquote(client_id), unquote(secret)


def _oauth_error(error: str, status: int) -> JsonResponse:
    return _no_store(JsonResponse({"error": error}, status=status))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
