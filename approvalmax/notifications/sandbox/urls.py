from django.urls import path

from approvalmax.notifications.sandbox import views

app_name = "mail_sandbox"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<str:key>/", views.message_detail, name="message"),
    path("<str:key>/html/", views.message_html, name="message_html"),
]
