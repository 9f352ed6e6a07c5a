from django.urls import path

from workflows import views

app_name = "workflows"

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/awaiting/", views.inbox, name="inbox"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/document/", views.request_document, name="request_document"),
    path("requests/<uuid:public_id>/approve/", views.request_approve, name="request_approve"),
    path("requests/<uuid:public_id>/reject/", views.request_reject, name="request_reject"),
]
