from django.urls import path

from xero_integration import views

app_name = "xero"

urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("<slug:slug>/", views.connection_page, name="connection"),
    path("<slug:slug>/connect/", views.connect, name="connect"),
    path("<slug:slug>/choose/", views.choose_tenant, name="choose"),
    path("<slug:slug>/disconnect/", views.disconnect, name="disconnect"),
    path("<slug:slug>/sync/", views.sync_now, name="sync"),
    path("<slug:slug>/pull/", views.pull_now, name="pull"),
    path("<slug:slug>/pull-settings/", views.pull_settings, name="pull_settings"),
]
