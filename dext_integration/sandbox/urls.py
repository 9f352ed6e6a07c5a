from django.urls import path

from . import views

app_name = "dext_sandbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("link/", views.link_account, name="link"),
    path("api/master-data/<str:name>/", views.master_data_put, name="master_data"),
    path("items/<str:dext_id>/", views.item_detail, name="item"),
    path("items/<str:dext_id>/document/", views.item_document, name="item_document"),
    path("items/<str:dext_id>/edit/", views.item_edit, name="item_edit"),
    path("items/<str:dext_id>/republish/", views.item_republish, name="item_republish"),
    path("items/<str:dext_id>/withdraw/", views.item_withdraw_view, name="item_withdraw"),
]
