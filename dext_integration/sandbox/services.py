from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .api_client import ApiAnswer, ApprovalMaxApi
from .models import SandboxItem, SandboxLink


def link_save(*, name: str, base_url: str, api_key: str | None) -> tuple[SandboxLink, str]:
    """Link an organisation, or relink one: a name already linked relinks that organisation, a key
    under a new name links one more, and no key edits the organisation published to (its key
    kept). The organisation linked becomes the one the pages publish to.

    Returns the link and what happened: "created", "updated" or "unchanged".
    """
    with transaction.atomic():
        links = SandboxLink.objects.select_for_update()
        link = links.filter(name__iexact=name).first()
        if link is None and not api_key:
            link = links.order_by("-linked_at").first()
        if link is None:
            if not api_key:
                raise ValueError("An API key is needed to link an account.")
            link = SandboxLink.objects.create(name=name, base_url=base_url, api_key=api_key, linked_at=timezone.now())
            outcome = "created"
        elif (link.name, link.base_url) == (name, base_url) and (not api_key or api_key == link.api_key):
            outcome = "unchanged"
            if link != SandboxLink.objects.order_by("-linked_at").first():
                link_choose(link_id=link.pk)
        else:
            link.name, link.base_url = name, base_url
            if api_key:
                link.api_key = api_key
            link.linked_at = timezone.now()
            link.save()
            outcome = "updated"
    return link, outcome


def link_choose(*, link_id: int) -> SandboxLink:
    """Publish to this linked organisation from now on."""
    link = SandboxLink.objects.get(pk=link_id)
    link.linked_at = timezone.now()
    link.save(update_fields=["linked_at"])
    return link


def item_save(*, payload: dict, document: UploadedFile | None) -> SandboxItem:
    """Keep the item as Dext holds it; without a new document the stored one stays."""
    values = {"payload": payload}
    if document is not None:
        values |= {
            "document": b"".join(document.chunks()),
            "document_name": document.name,
            "document_content_type": (document.content_type or "application/octet-stream")[:100],
        }
    item, _ = SandboxItem.objects.update_or_create(dext_id=payload["dext_id"], defaults=values)
    return item


def item_publish(*, item: SandboxItem, link: SandboxLink) -> ApiAnswer:
    """POST the stored item and its document; raises ApiUnreachable without an answer.

    The HTTP call runs outside any transaction: the API may be this very server.
    """
    api = ApprovalMaxApi(base_url=link.base_url, api_key=link.api_key)
    answer = api.publish_cost_item(
        item=item.payload,
        document=bytes(item.document),
        filename=item.document_name,
        content_type=item.document_content_type,
    )
    _record_answer(item=item, link=link, action=SandboxItem.Action.PUBLISH, answer=answer)
    return answer


def item_withdraw(*, item: SandboxItem, link: SandboxLink) -> ApiAnswer:
    api = ApprovalMaxApi(base_url=link.base_url, api_key=link.api_key)
    answer = api.withdraw_cost_item(item.dext_id)
    _record_answer(item=item, link=link, action=SandboxItem.Action.WITHDRAW, answer=answer)
    return answer


def _record_answer(*, item: SandboxItem, link: SandboxLink, action: str, answer: ApiAnswer) -> None:
    item.link = link
    item.last_action = action
    item.last_status = answer.status
    item.last_body = answer.text
    if answer.request_url:
        item.request_url = answer.request_url[:500]
    item.save(update_fields=["link", "last_action", "last_status", "last_body", "request_url", "updated_at"])
