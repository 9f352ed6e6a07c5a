"""Reacts to what the approval engine announces: approved requests are published to Xero."""

from django.dispatch import receiver

from workflows.signals import request_approved
from xero_integration.tasks import publish_tenant


@receiver(request_approved, dispatch_uid="xero_publish_on_approval")
def publish_when_approved(sender, request, **kwargs) -> None:
    """The tenant's publisher takes every approved request waiting, so bills go to Xero together."""
    publish_tenant.delay_on_commit(request.organisation_id)
