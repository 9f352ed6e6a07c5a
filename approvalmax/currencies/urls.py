from django.urls import path

from approvalmax.currencies import views

app_name = "currencies"

urlpatterns = [
    path("<slug:slug>/", views.rates, name="rates"),
    path("<slug:slug>/add/", views.rate_add, name="add"),
    path("<slug:slug>/<int:rate_id>/delete/", views.rate_delete, name="delete"),
    path("<slug:slug>/sync/", views.rates_sync_now, name="sync"),
]
