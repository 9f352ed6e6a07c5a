"""Reacts to what the approval engine announces: approved requests are published to Xero."""

from django.dispatch import receiver

from workflows.signals import request_approved
from xero_integration.tasks import publish_request


@receiver(request_approved, dispatch_uid="xero_publish_on_approval")
def publish_when_approved(sender, request, **kwargs) -> None:
    publish_request.delay_on_commit(request.pk)
