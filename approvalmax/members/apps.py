from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "approvalmax.members"
    label = "members"
    verbose_name = "Members and invitations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from approvalmax.core.configuration_audit import audit_configuration
        from approvalmax.core.models import Membership
        from approvalmax.members.models import Invitation
        from approvalmax.members.staff import membership_changed

        audit_configuration(Invitation, organisation=lambda i: i.organisation_id, ignore=("sent_at", "send_error"))
        post_save.connect(membership_changed, sender=Membership, dispatch_uid="members-admin-access-save")
        post_delete.connect(membership_changed, sender=Membership, dispatch_uid="members-admin-access-delete")
