from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "approvalmax.core"
    label = "core"
    verbose_name = "Organisations and master data"

    def ready(self) -> None:
        from approvalmax.core.configuration_audit import audit_configuration
        from approvalmax.core.models import Membership, Organisation

        audit_configuration(Organisation, organisation=lambda o: o.pk, ignore=("created_at",))
        audit_configuration(Membership, organisation=lambda m: m.organisation_id)
