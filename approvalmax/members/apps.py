from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "approvalmax.members"
    label = "members"
    verbose_name = "Members and invitations"

    def ready(self) -> None:
        from approvalmax.core.configuration_audit import audit_configuration
        from approvalmax.members.models import Invitation

        audit_configuration(Invitation, organisation=lambda i: i.organisation_id, ignore=("sent_at", "send_error"))
