from django.urls import path

from quickbooks_integration import views

app_name = "quickbooks"

urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("<slug:slug>/", views.connection_page, name="connection"),
    path("<slug:slug>/connect/", views.connect, name="connect"),
    path("<slug:slug>/disconnect/", views.disconnect, name="disconnect"),
    path("<slug:slug>/sync/", views.sync_now, name="sync"),
]
