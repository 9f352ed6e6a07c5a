"""Mounted at /sandbox/quickbooks/: appcenter.intuit.com, oauth.platform.intuit.com,
quickbooks.api.intuit.com and the stand-in's own pages, under one prefix."""

from django.urls import path, re_path

from approvalmax.core.decorators import member_required
from quickbooks_integration.sandbox import api, identity, pages

app_name = "quickbooks_sandbox"

_COMPANY = r"^v3/company/(?P<realm_id>\d+)/"

urlpatterns = [
    # Pages need a member; the OAuth and API endpoints authenticate as Intuit's do.
    path("", member_required(pages.home), name="home"),
    path("companies/<str:realm_id>/attachments/<str:attachable_id>/", member_required(pages.attachment),
         name="attachment"),
    path("app/<str:page>", member_required(pages.transaction), name="transaction"),
    path("connect/oauth2", member_required(identity.authorize), name="authorize"),
    path("oauth2/v1/tokens/bearer", identity.token, name="token"),
    path("v2/oauth2/tokens/revoke", identity.revoke, name="revoke"),
    re_path(_COMPANY + r"companyinfo/(?P<company_id>\w+)$", api.company_info, name="company-info"),
    re_path(_COMPANY + r"preferences$", api.preferences, name="preferences"),
    re_path(_COMPANY + r"query$", api.query, name="query"),
    re_path(_COMPANY + r"cdc$", api.cdc, name="cdc"),
    re_path(_COMPANY + r"upload$", api.upload, name="upload"),
    re_path(_COMPANY + r"batch$", api.batch, name="batch"),
    re_path(_COMPANY + r"(?P<name>[a-zA-Z]+)$", api.entity, name="create"),
    re_path(_COMPANY + r"(?P<name>[a-zA-Z]+)/(?P<entity_id>\d+)$", api.entity, name="read"),
]
