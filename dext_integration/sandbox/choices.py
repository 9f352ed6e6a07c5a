"""The master data ApprovalMax pushed to the linked organisation, offered as choices on the
stand-in's cost-item form (HTML datalists: the fields stay free text, so that an unknown code can
still be sent on purpose), and the stand-in's tax rates for the form's running total."""

import json
from dataclasses import dataclass, field

from .cost_items import TAX_RATES
from .models import SandboxLink, SandboxMasterData


@dataclass
class Choices:
    suppliers: list[str] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    tax_types: list[tuple[str, str]] = field(default_factory=list)
    bank_accounts: list[tuple[str, str]] = field(default_factory=list)
    tracking: dict[str, list[str]] = field(default_factory=dict)
    # The stand-in's own rates, as it computes the totals it sends (cost_items.TAX_RATES).
    rates: dict[str, str] = field(default_factory=lambda: {code: str(rate) for code, rate in TAX_RATES.items()})

    @property
    def rates_json(self) -> str:
        return json.dumps(self.rates)


def _active(payload: dict) -> list[dict]:
    return [row for row in payload.get("results", []) if isinstance(row, dict) and row.get("status", "ACTIVE") == "ACTIVE"]


def master_data_choices(link: SandboxLink | None) -> Choices:
    choices = Choices()
    if link is None:
        return choices
    lists = {received.name: _active(received.payload) for received in SandboxMasterData.objects.filter(link=link)}
    choices.suppliers = sorted({row.get("name", "") for row in lists.get("suppliers", [])} - {""})
    choices.accounts = [(row["code"], f"{row['code']} {row.get('name', '')}") for row in lists.get("accounts", [])
                        if row.get("code") and row.get("type") != "BANK"]
    choices.tax_types = [(row["tax_type"], row.get("name", "")) for row in lists.get("tax-rates", []) if row.get("tax_type")]
    choices.bank_accounts = [(row["code"], f"{row['code']} {row.get('name', '')}")
                             for row in lists.get("bank-accounts", []) if row.get("code")]
    choices.tracking = {row["name"]: [option["name"] for option in row.get("options", []) if option.get("name")]
                        for row in lists.get("tracking-categories", []) if row.get("name")}
    return choices


# Which form field offers which list (the line's tracking fields name their category).
LISTS = {"supplier_name": "dl-suppliers", "bank_account_code": "dl-bank-accounts"}
LINE_LISTS = {"account_code": "dl-accounts", "tax_type": "dl-tax-types", "tracking_region": "dl-tracking-Region",
              "tracking_department": "dl-tracking-Department"}


def choices_attach(form, lines) -> None:
    """Point the fields at the page's datalists."""
    for name, list_id in LISTS.items():
        form.fields[name].widget.attrs["list"] = list_id
    for line in [*lines.forms, lines.empty_form]:
        for name, list_id in LINE_LISTS.items():
            line.fields[name].widget.attrs["list"] = list_id
