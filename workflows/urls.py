from django.urls import path

from workflows import action_views, bulk_views, credit_views, discussion_views, list_views, live_views, views

app_name = "workflows"

urlpatterns = [
    path("requests/", list_views.request_list, name="request_list"),
    path("requests/export.csv", list_views.request_export, name="request_export"),
    path("requests/awaiting/", list_views.inbox, name="inbox"),
    path("requests/awaiting/decide/", bulk_views.inbox_decide, name="inbox_decide"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/document/", views.request_document, name="request_document"),
    path("requests/<uuid:public_id>/status/", live_views.request_status, name="request_status"),
    path("requests/<uuid:public_id>/audit-report.pdf", views.request_audit_report, name="request_audit_report"),
    path("requests/<uuid:public_id>/document/pages/<int:page>.png", views.request_document_page,
         name="request_document_page"),  # fmt: skip
    path("requests/<uuid:public_id>/approve/", views.request_approve, name="request_approve"),
    path("requests/<uuid:public_id>/reject/", views.request_reject, name="request_reject"),
    path("requests/<uuid:public_id>/return-to-review/", views.request_return_to_review,
         name="request_return_to_review"),
    path("requests/<uuid:public_id>/revoke/", views.request_revoke, name="request_revoke"),
    path("requests/<uuid:public_id>/override/", views.request_override, name="request_override"),
    path("requests/<uuid:public_id>/publish-again/", views.request_publish_again, name="request_publish_again"),
    path("requests/<uuid:public_id>/lines/<int:line_id>/", views.request_line_edit, name="request_line_edit"),
    path("requests/<uuid:public_id>/lines/<int:line_id>/split/", views.request_line_split,
         name="request_line_split"),
    path("requests/<uuid:public_id>/credit-allocation/", credit_views.request_credit_allocation,
         name="request_credit_allocation"),
    path("requests/<uuid:public_id>/comments/", discussion_views.request_comment, name="request_comment"),
    path("requests/<uuid:public_id>/watch/", discussion_views.request_watch, name="request_watch"),
    path("requests/<uuid:public_id>/hold/", discussion_views.request_hold, name="request_hold"),
    path("requests/<uuid:public_id>/release/", discussion_views.request_release, name="request_release"),
    path("act/<str:token>/", action_views.action_link, name="action_link"),
    path("substitutes/", views.substitutes, name="substitutes"),
]
