from django.urls import path

from approvalmax.members import views

app_name = "members"

urlpatterns = [
    path("members/<slug:slug>/", views.members, name="members"),
    path("members/<slug:slug>/invite/", views.invite, name="invite"),
    path("members/<slug:slug>/invitations/<int:invitation_id>/resend/", views.resend, name="resend"),
    path("members/<slug:slug>/invitations/<int:invitation_id>/revoke/", views.revoke, name="revoke"),
    path("members/<slug:slug>/<int:membership_id>/role/", views.role, name="role"),
    path("members/<slug:slug>/<int:membership_id>/remove/", views.remove, name="remove"),
    path("invitations/<str:token>/", views.accept, name="accept"),
]
