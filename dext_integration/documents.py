"""The uploaded original: recognised by its content, never by its name, and at most 10 MB."""

import re
import unicodedata
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from approvalmax.core.file_safety import document_check
from dext_integration.exceptions import DocumentTooLarge, InvalidUpload, UnsupportedDocumentType
from workflows.content import DocumentContent

# MIME type as detected -> the extension the stored file gets.
ACCEPTED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/heic": "heic",
}
ACCEPTED_NAMES = "PDF, PNG, JPEG, GIF, TIFF or HEIC"
# Room for the multipart boundaries and part headers around the two parts.
MULTIPART_OVERHEAD = 64 * 1024


def _size(n: int) -> str:
    return filesizeformat(n).replace("\xa0", " ")


def _too_large(size: int | None = None) -> DocumentTooLarge:
    limit = settings.DOCUMENT_MAX_BYTES
    actual = f"The document is {_size(size)}; " if size is not None else "The upload is too large; "
    return DocumentTooLarge(
        f"{actual}documents may be at most {_size(limit)} (the accounting systems' attachment limit).",
        fields={"document": f"At most {_size(limit)}."},
    )


def upload_size_check(content_length: str | None) -> None:
    """Refuse an upload that cannot fit before reading a byte of it."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return
    item_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    if length > settings.DOCUMENT_MAX_BYTES + item_limit + MULTIPART_OVERHEAD:
        raise _too_large()


def _stored_name(name: str, extension: str) -> str:
    stem = unicodedata.normalize("NFKD", PurePosixPath(name or "").stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("._-")[:100] or "document"
    return f"{stem}.{extension}"


def document_read(upload: UploadedFile) -> DocumentContent:
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _too_large(upload.size)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(upload.size)
    if not data:
        raise InvalidUpload("The document is empty.", fields={"document": "The file is empty."})
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        seen = f" This file looks like {kind.mime}." if kind else " Its content is not one of those."
        raise UnsupportedDocumentType(
            f"The document must be a {ACCEPTED_NAMES} file, recognised by its content.{seen}",
            fields={"document": f"Must be {ACCEPTED_NAMES}."},
        )
    document_check(data, kind.mime)
    return DocumentContent(
        filename=_stored_name(upload.name, ACCEPTED_TYPES[kind.mime]), content_type=kind.mime, data=data
    )
