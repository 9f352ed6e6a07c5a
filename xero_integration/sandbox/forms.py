"""The sandbox pages' forms: a bill as Dext publishes it into Xero, and an edit as in Xero's web app."""

from decimal import Decimal

from django import forms

from xero_integration.sandbox.models import Account, Contact, Organisation, TaxRate
from xero_integration.sandbox.validation import NEXT_STATUSES


class BillLineForm(forms.Form):
    """One bill's first line and heading fields, as the sandbox's pages edit them."""

    invoice_number = forms.CharField(label="Bill number", max_length=255)
    description = forms.CharField(max_length=4000)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), to_field_name="code")
    tax_type = forms.ModelChoiceField(label="Tax rate", queryset=TaxRate.objects.none(), to_field_name="tax_type",
                                      required=False)
    unit_amount = forms.DecimalField(label="Unit amount (excluding tax)", min_value=Decimal("0.01"), decimal_places=2,
                                     max_digits=14)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = organisation.accounts.filter(status="ACTIVE").exclude(type="BANK") \
            .order_by("code")
        self.fields["tax_type"].queryset = organisation.tax_rates.filter(status="ACTIVE").order_by("name")

    def line(self, tracking: list | None = None) -> dict:
        data = self.cleaned_data
        return {"Description": data["description"], "UnitAmount": data["unit_amount"],
                "AccountCode": data["account"].code, "TaxType": data["tax_type"].tax_type if data["tax_type"] else None,
                "Tracking": tracking or []}


class DextBillForm(BillLineForm):
    contact = forms.ModelChoiceField(label="Supplier", queryset=Contact.objects.none())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.FileField(label="Original document (PDF or picture)", required=False)

    field_order = ["contact", "invoice_number", "date", "due_date", "description", "account", "tax_type",
                   "unit_amount", "document"]

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["contact"].queryset = organisation.contacts.filter(status="ACTIVE").order_by("name")


class BillEditForm(BillLineForm):
    status = forms.ChoiceField()

    field_order = ["status", "invoice_number", "description", "account", "tax_type", "unit_amount"]

    def __init__(self, *args, organisation: Organisation, current_status: str, **kwargs) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["status"].choices = [(s, s) for s in NEXT_STATUSES.get(current_status, (current_status,))]
