from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dext_integration import urls as dext_urls

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workflows:inbox", permanent=False)),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("workflows.urls")),
    path("", include("approvalmax.core.urls")),
    path("", include("approvalmax.members.urls")),
    path("xero/", include("xero_integration.urls")),
    path("quickbooks/", include("quickbooks_integration.urls")),
    path("dext/", include((dext_urls.page_urlpatterns, "dext"))),
    path("notifications/", include("approvalmax.notifications.urls")),
    path("budgets/", include("approvalmax.budgets.urls")),
    path("exchange-rates/", include("approvalmax.currencies.urls")),
    path("api/schema/", dext_urls.schema_view, name="api_schema"),
    path("api/dext/v1/", include((dext_urls.api_urlpatterns, "dext_api"))),
]

if settings.XERO_SANDBOX:
    urlpatterns.append(path("sandbox/xero/", include("xero_integration.sandbox.urls")))
if settings.QBO_SANDBOX:
    urlpatterns.append(path("sandbox/quickbooks/", include("quickbooks_integration.sandbox.urls")))
if settings.MAIL_SANDBOX:
    urlpatterns.append(path("sandbox/mail/", include("approvalmax.notifications.sandbox.urls")))
if settings.DEXT_SANDBOX:
    urlpatterns.append(path("sandbox/dext/", include("dext_integration.sandbox.urls")))

handler400 = "approvalmax.core.views.bad_request"
handler403 = "approvalmax.core.views.permission_denied"
handler404 = "approvalmax.core.views.page_not_found"
