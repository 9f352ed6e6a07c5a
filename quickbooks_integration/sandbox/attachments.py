"""`POST /upload`: multipart with `file_metadata_01` (an `Attachable` as JSON) and `file_content_01`."""

import json

from django.http import HttpRequest

from quickbooks_integration.sandbox import faults, store
from quickbooks_integration.sandbox.faults import Fault
from quickbooks_integration.sandbox.models import AttachableContent, Company, Entity

MAX_BYTES = 100 * 1024 * 1024
CONTENT_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/jpg", "image/gif", "image/tiff",
                 "image/heic", "text/plain", "text/csv"}
ATTACHABLE_TO = {"Bill", "Purchase", "BillPayment", "Vendor", "VendorCredit"}


def _metadata(request: HttpRequest) -> dict:
    raw = request.POST.get("file_metadata_01")
    if raw is None and "file_metadata_01" in request.FILES:
        raw = request.FILES["file_metadata_01"].read().decode("utf-8", "replace")
    if not raw:
        raise faults.required("file_metadata_01")
    try:
        metadata = json.loads(raw)
    except ValueError:
        raise faults.malformed("file_metadata_01 is not valid JSON") from None
    if not isinstance(metadata, dict):
        raise faults.malformed("file_metadata_01 must be an Attachable")
    return metadata


def upload(company: Company, request: HttpRequest) -> list[dict]:
    metadata = _metadata(request)
    content = request.FILES.get("file_content_01")
    if content is None:
        raise faults.required("file_content_01")
    if content.size > MAX_BYTES:
        raise Fault("6000", "A business validation error has occurred while processing your request",
                    "Business Validation Error: The file is larger than 100 MB.")
    content_type = (metadata.get("ContentType") or content.content_type or "").lower()
    if content_type not in CONTENT_TYPES:
        raise faults.business(f"The file type {content_type or 'given'} is not supported for attachments.")
    references = metadata.get("AttachableRef") or []
    for reference in references:
        entity = (reference or {}).get("EntityRef") or {}
        if entity.get("type") not in ATTACHABLE_TO or store.get(company, entity.get("type"), entity.get("value")) \
                is None:
            raise faults.invalid_reference(entity.get("type") or "Entity", entity.get("value"))
    data = content.read()
    attachable = store.create(company, "Attachable", {
        "FileName": metadata.get("FileName") or content.name, "ContentType": content_type, "Size": len(data),
        "AttachableRef": [{"EntityRef": ref["EntityRef"], "IncludeOnSend": False} for ref in references],
    })
    row = Entity.objects.get(company=company, kind="Attachable", entity_id=attachable["Id"])
    AttachableContent.objects.create(attachable=row, data=data)
    return [{"Attachable": attachable}]
