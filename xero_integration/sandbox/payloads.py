"""Request bodies read the way Xero's deserialiser reads them.

Known fields are converted to their types (text, decimal, date, GUID); unknown fields are
ignored; a value of the wrong type fails the whole request (PostDataInvalid) before anything
is created, as in Xero.
"""

import uuid
from decimal import Decimal, InvalidOperation

from xero_integration.sandbox.xero_json import PostDataInvalid, parse_date

TEXT, NUMBER, DATE, GUID = "System.String", "System.Decimal", "System.DateTime", "System.Guid"
# Beyond this no amount, quantity or rate makes sense, and sums would overflow the ledger's columns.
LARGEST_NUMBER = Decimal(10) ** 12

TRACKING = {"Name": TEXT, "Option": TEXT, "TrackingCategoryID": GUID, "TrackingOptionID": GUID}
LINE_ITEM = {
    "Description": TEXT,
    "Quantity": NUMBER,
    "UnitAmount": NUMBER,
    "LineAmount": NUMBER,
    "AccountCode": TEXT,
    "AccountID": GUID,
    "TaxType": TEXT,
    "Tracking": [TRACKING],
}
CONTACT_REF = {"ContactID": GUID, "Name": TEXT}
ACCOUNT_REF = {"Code": TEXT, "AccountID": GUID}
INVOICE = {
    "Type": TEXT,
    "InvoiceID": GUID,
    "Contact": CONTACT_REF,
    "Date": DATE,
    "DueDate": DATE,
    "LineAmountTypes": TEXT,
    "InvoiceNumber": TEXT,
    "Reference": TEXT,
    "Url": TEXT,
    "CurrencyCode": TEXT,
    "CurrencyRate": NUMBER,
    "Status": TEXT,
    "LineItems": [LINE_ITEM],
}
CREDIT_NOTE = {
    "Type": TEXT,
    "CreditNoteID": GUID,
    "Contact": CONTACT_REF,
    "Date": DATE,
    "DueDate": DATE,
    "LineAmountTypes": TEXT,
    "CreditNoteNumber": TEXT,
    "Reference": TEXT,
    "CurrencyCode": TEXT,
    "CurrencyRate": NUMBER,
    "Status": TEXT,
    "LineItems": [LINE_ITEM],
}
ALLOCATION = {
    "Invoice": {"InvoiceID": GUID},
    "Amount": NUMBER,
    "Date": DATE,
}
BANK_TRANSACTION = {
    "Type": TEXT,
    "Contact": CONTACT_REF,
    "BankAccount": ACCOUNT_REF,
    "Date": DATE,
    "LineAmountTypes": TEXT,
    "Reference": TEXT,
    "Url": TEXT,
    "CurrencyCode": TEXT,
    "Status": TEXT,
    "LineItems": [LINE_ITEM],
}
PAYMENT = {
    "Invoice": {"InvoiceID": GUID, "InvoiceNumber": TEXT},
    "Account": ACCOUNT_REF,
    "Date": DATE,
    "Amount": NUMBER,
    "Reference": TEXT,
    "CurrencyRate": NUMBER,
}
CONTACT = {
    "ContactID": GUID,
    "Name": TEXT,
    "FirstName": TEXT,
    "LastName": TEXT,
    "EmailAddress": TEXT,
    "AccountNumber": TEXT,
    "TaxNumber": TEXT,
    "ContactStatus": TEXT,
}


def batch(payload: dict, plural: str, shape: dict) -> list[tuple[dict, dict]]:
    """`{"<Plural>": [...]}` or one bare object; answers (raw, typed) pairs."""
    if plural in payload:
        items = payload[plural]
        if not isinstance(items, list):
            raise PostDataInvalid(f"Cannot deserialize the current JSON object into a list. Path '{plural}'.")
        return [(raw, coerce(raw, shape, f"{plural}[{index}]")) for index, raw in enumerate(items)]
    return [(payload, coerce(payload, shape, ""))]


def coerce(value, shape, path: str):
    if value is None:
        return None
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise PostDataInvalid(f"Unexpected value. Path '{path}'.")
        return {
            name: coerce(value[name], field, f"{path}.{name}".lstrip("."))
            for name, field in shape.items()
            if name in value
        }
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise PostDataInvalid(f"Cannot deserialize the current JSON value into a list. Path '{path}'.")
        return [coerce(item, shape[0], f"{path}[{index}]") for index, item in enumerate(value)]
    try:
        return _scalar(value, shape)
    except (ValueError, InvalidOperation, TypeError):
        raise PostDataInvalid(f"Error converting value \"{value}\" to type '{shape}'. Path '{path}'.") from None


def _scalar(value, shape: str):
    if isinstance(value, (dict, list, bool)):
        raise TypeError
    if shape == TEXT:
        return str(value)
    if shape == NUMBER:
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) >= LARGEST_NUMBER:
            raise ValueError
        return number
    if shape == GUID:
        return uuid.UUID(str(value))
    try:
        return parse_date(str(value))
    except PostDataInvalid:
        raise ValueError from None
