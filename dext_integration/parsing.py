"""The multipart upload of a cost item: its `item` JSON and its `document` file."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadedfile import UploadedFile
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.request import Request

from approvalmax.core.exceptions import ApplicationError
from dext_integration.documents import document_read, upload_size_check
from dext_integration.exceptions import InvalidItem, InvalidUpload
from dext_integration.serializers import item_parse
from workflows.content import DocumentContent

MULTIPART_HINT = "Send multipart/form-data with two parts: document (the file) and item (the JSON)."


@dataclass(frozen=True)
class CostItemUpload:
    item: dict
    document: DocumentContent


def _parts(request: Request):
    upload_size_check(request.META.get("CONTENT_LENGTH"))
    try:
        return request.data, request.FILES
    except UnsupportedMediaType:
        raise ApplicationError(
            f"Unsupported content type. {MULTIPART_HINT}", code="unsupported_media_type", status_code=415
        ) from None
    except RequestDataTooBig:
        raise InvalidItem(
            f"The item part is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            fields={"item": "Too large."},
            code="item_too_large",
            status_code=413,
        ) from None
    except SuspiciousOperation:
        raise InvalidUpload(f"The upload could not be read. {MULTIPART_HINT}") from None


def _item_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, UploadedFile):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        data = value.read(limit + 1) if limit else value.read()
        if limit and len(data) > limit:
            raise InvalidItem(f"The item part is larger than {limit} bytes.", fields={"item": "Too large."},
                              code="item_too_large", status_code=413)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidItem("The item part is not UTF-8 text.", fields={"item": "Not UTF-8."}) from None
    raise InvalidUpload(f"The item part is missing. {MULTIPART_HINT}", fields={"item": "This part is required."})


def upload_parse(request: Request) -> CostItemUpload:
    """Everything checked that can be checked without the organisation's data."""
    data, files = _parts(request)
    missing = {}
    if "item" not in data:
        missing["item"] = "This part is required."
    if "document" not in files:
        missing["document"] = "This part is required, as a file."
    if missing:
        raise InvalidUpload(f"Missing part: {', '.join(missing)}. {MULTIPART_HINT}", fields=missing)
    document = document_read(files["document"])
    return CostItemUpload(item=item_parse(_item_text(data["item"])), document=document)
