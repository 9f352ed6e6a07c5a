"""How the Xero sandbox collects a document's validation errors, with Xero's field lengths."""

from dataclasses import dataclass, field

from xero_integration.sandbox.clean import ValidationFailed

# Xero's field lengths; the sandbox's columns are sized to match.
MAX_LENGTHS = {
    "Name": 255,
    "FirstName": 255,
    "LastName": 255,
    "EmailAddress": 255,
    "AccountNumber": 50,
    "TaxNumber": 50,
    "InvoiceNumber": 255,
    "Reference": 255,
    "Url": 2000,
    "Description": 4000,
}


@dataclass
class Errors:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def check_lengths(self, data: dict, *fields: str) -> None:
        for name in fields:
            if len(data.get(name) or "") > MAX_LENGTHS[name]:
                self.add(f"{name} must be no longer than {MAX_LENGTHS[name]} characters.")

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationFailed(self.messages)
