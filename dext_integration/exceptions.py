from approvalmax.core.exceptions import ApplicationError, Conflict


class InvalidUpload(ApplicationError):
    """The multipart body is missing a part or cannot be read."""

    code = "invalid_upload"


class InvalidItem(ApplicationError):
    """The `item` JSON is malformed or does not have the fields and types it needs."""

    code = "invalid_item"


class DocumentTooLarge(ApplicationError):
    status_code = 413
    code = "document_too_large"


class UnsupportedDocumentType(ApplicationError):
    status_code = 415
    code = "unsupported_document_type"


class UnsupportedType(ApplicationError):
    status_code = 422
    code = "unsupported_type"


class UnknownReferences(ApplicationError):
    """Codes or names that are not among the organisation's active master data."""

    status_code = 422
    code = "unknown_references"


class AmountsMismatch(ApplicationError):
    status_code = 422
    code = "amounts_mismatch"


class ItemLocked(Conflict):
    """The item's request is approved or published: the item can no longer change."""

    code = "locked"
