from django.apps import AppConfig


class MailSandboxConfig(AppConfig):
    name = "approvalmax.notifications.sandbox"
    label = "mail_sandbox"
    verbose_name = "Mail catcher"
