from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "approvalmax.notifications"
    label = "notifications"
    verbose_name = "Notifications and mail"
