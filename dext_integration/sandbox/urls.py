from django.urls import path

from approvalmax.core.decorators import member_required

from . import views

app_name = "dext_sandbox"

urlpatterns = [
    path("", member_required(views.index), name="index"),
    path("link/", member_required(views.link_account), name="link"),
    path("link/<int:link_id>/choose/", member_required(views.choose_link), name="choose_link"),
    path("api/master-data/<str:name>/", views.master_data_put, name="master_data"),
    path("items/<str:dext_id>/", member_required(views.item_detail), name="item"),
    path("items/<str:dext_id>/document/", member_required(views.item_document), name="item_document"),
    path("items/<str:dext_id>/edit/", member_required(views.item_edit), name="item_edit"),
    path("items/<str:dext_id>/republish/", member_required(views.item_republish), name="item_republish"),
    path("items/<str:dext_id>/withdraw/", member_required(views.item_withdraw_view), name="item_withdraw"),
]
