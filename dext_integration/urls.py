from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from dext_integration import apis, views

# The Dext API (mounted at /api/dext/v1/, namespace "dext_api"). Trailing slashes are
# optional: a POST redirected by APPEND_SLASH would lose its body.
api_urlpatterns = [
    re_path(r"^cost-items/?$", apis.CostItemsApi.as_view(), name="cost_items"),
    re_path(r"^cost-items/(?P<dext_id>[^/]+)/?$", apis.CostItemApi.as_view(), name="cost_item"),
    re_path(r"^(?P<list_name>[^/]+)/?$", apis.MasterDataApi.as_view(), name="master_data"),
    re_path(r"", apis.UnknownPathApi.as_view()),
]

# The settings pages (mounted at /dext/, namespace "dext").
page_urlpatterns = [
    path("<slug:slug>/", views.settings_page, name="settings"),
    path("<slug:slug>/link/", views.link, name="link"),
    path("<slug:slug>/reconnect/", views.reconnect, name="reconnect"),
    path("<slug:slug>/sync/", views.sync_now, name="sync"),
]

# The Dext API's OpenAPI schema (mounted at /api/schema/), generated from the API's own views.
schema_view = SpectacularAPIView.as_view(
    urlconf=[path("api/dext/v1/", include((api_urlpatterns, "dext_api")))],
    custom_settings={
        "TITLE": "ApprovalMax Dext API",
        "DESCRIPTION": "What Dext's publishing connector calls (INTERFACES.md §3).",
        "VERSION": "1",
        "COMPONENT_SPLIT_REQUEST": True,
    },
    authentication_classes=[],
    permission_classes=[],
)
