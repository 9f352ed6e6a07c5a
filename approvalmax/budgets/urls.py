from django.urls import path

from approvalmax.budgets import views

app_name = "budgets"

urlpatterns = [
    path("<slug:slug>/", views.budgets, name="budgets"),
    path("<slug:slug>/upload/", views.budgets_upload, name="upload"),
    path("<slug:slug>/sync/", views.budgets_sync_now, name="sync"),
    path("<slug:slug>/budgets.csv", views.budgets_file, name="file"),
]
