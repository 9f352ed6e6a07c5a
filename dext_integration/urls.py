from django.urls import re_path

from dext_integration import apis

app_name = "dext"

# Trailing slashes are optional: a POST redirected by APPEND_SLASH would lose its body.
urlpatterns = [
    re_path(r"^cost-items/?$", apis.CostItemsApi.as_view(), name="cost_items"),
    re_path(r"^cost-items/(?P<dext_id>[^/]+)/?$", apis.CostItemApi.as_view(), name="cost_item"),
    re_path(r"^(?P<list_name>[^/]+)/?$", apis.MasterDataApi.as_view(), name="master_data"),
    re_path(r"", apis.UnknownPathApi.as_view()),
]
