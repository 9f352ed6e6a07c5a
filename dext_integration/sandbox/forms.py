from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from .cost_items import new_dext_id
from .models import SandboxItem

# Large enough to let a person see our API refuse a file over its 10 MB limit.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_LINES = 5
DEFAULT_ACCOUNT_CODE = "429"
DEFAULT_TAX_TYPE = "INPUT2"
DEFAULT_BANK_ACCOUNT_CODE = "090"


def unused_dext_id() -> str:
    """A fresh "CI-" id for the form, steering clear of items already here (a clash would edit one)."""
    candidate = new_dext_id()
    for _ in range(20):
        if not SandboxItem.objects.filter(dext_id=candidate).exists():
            break
        candidate = new_dext_id()
    return candidate


def validate_base_url(value: str) -> None:
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValidationError("Enter an absolute http:// or https:// URL.") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("Enter an absolute http:// or https:// URL.")


class LinkForm(forms.Form):
    name = forms.CharField(max_length=200, initial="Dext sandbox account")
    base_url = forms.CharField(
        label="API base URL", max_length=500, validators=[validate_base_url],
        help_text="Where our Dext-facing API lives, ending in /api/dext/v1/.",
    )
    api_key = forms.CharField(
        label="API key", required=False, strip=True, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Created by an administrator in ApprovalMax when linking Dext.",
    )

    def __init__(self, *args, linked: bool = False, linked_base_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.linked = linked
        self.linked_base_url = linked_base_url
        if linked:
            self.fields["api_key"].help_text = "Paste a new key to replace it; leave empty to keep the current key."

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"]
        return url if url.endswith("/") else url + "/"

    def clean(self):
        cleaned = super().clean()
        moved = self.linked and cleaned.get("base_url") and cleaned["base_url"] != self.linked_base_url
        if moved and not cleaned.get("api_key"):
            # The key goes with every call: it is never sent to a new address unless given again.
            self.add_error("api_key", "Paste the API key again to point the stand-in at another address.")
        return cleaned

    def clean_api_key(self) -> str:
        key = self.cleaned_data["api_key"]
        if not key and not self.linked:
            raise ValidationError("Paste the API key ApprovalMax showed when the key was created.")
        return key


class CostItemForm(forms.Form):
    """What Dext would have extracted from the document; lines are in `LineFormSet`."""

    document = forms.FileField(required=False, help_text="PDF, PNG, JPEG, GIF, TIFF or HEIC.")
    dext_id = forms.CharField(
        label="Dext ID", max_length=64, initial=unused_dext_id,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", "Use letters, digits, dots, dashes and underscores.")],
    )
    type = forms.ChoiceField(
        choices=[("invoice", "Invoice"), ("receipt", "Receipt"), ("other", "Other"), ("credit_note", "Credit note"),
                 ("expense_report", "Expense report")]
    )
    publish_to = forms.ChoiceField(
        choices=[("bill", "Bill (goes through approval)"), ("bank_transaction", "Bank transaction (bypasses approval)")]
    )
    supplier_name = forms.CharField(label="Supplier name", max_length=255)
    invoice_number = forms.CharField(max_length=255, required=False)
    date = forms.DateField(initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}),
                           help_text="Today unless you change it.")
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text="Leave it empty for a bill without a due date.")
    currency = forms.CharField(
        max_length=3, min_length=3, initial="GBP",
        validators=[RegexValidator(r"^[A-Za-z]{3}$", "A three-letter currency code, e.g. GBP.")],
    )
    line_amount_types = forms.ChoiceField(
        label="Line amounts are",
        choices=[("Exclusive", "Exclusive of tax"), ("Inclusive", "Inclusive of tax"), ("NoTax", "No tax")],
    )
    paid = forms.BooleanField(required=False)
    payment_method_name = forms.CharField(
        label="Payment method name", max_length=255, required=False,
        help_text="Sent only when given, e.g. “Company card”.",
    )
    bank_account_code = forms.CharField(
        label="Payment method bank account code", max_length=20, required=False, initial=DEFAULT_BANK_ACCOUNT_CODE
    )
    owner_name = forms.CharField(label="Owner name", max_length=255, required=False)
    owner_email = forms.EmailField(label="Owner email", required=False)
    tax_total_override = forms.DecimalField(
        label="Tax total (override)", required=False, max_digits=14, decimal_places=2,
        help_text="Leave empty to send the tax computed from the lines.",
    )
    total_override = forms.DecimalField(
        label="Total (override)", required=False, max_digits=14, decimal_places=2,
        help_text="Leave empty to send the total computed from the lines.",
    )

    def __init__(self, *args, fixed_dext_id: str | None = None, stored_document_for=None, **kwargs):
        """`fixed_dext_id` edits one stored item; `stored_document_for(dext_id)` names its kept document."""
        super().__init__(*args, **kwargs)
        self.stored_document_for = stored_document_for or (lambda dext_id: None)
        if fixed_dext_id is not None:
            self.fields["dext_id"].initial = fixed_dext_id
            self.fields["dext_id"].disabled = True
            self.describe_stored_document(fixed_dext_id)
        elif self.is_bound:
            self.describe_stored_document(self.data.get(self.add_prefix("dext_id"), ""))

    def describe_stored_document(self, dext_id: str) -> None:
        name = self.stored_document_for(dext_id)
        if name:
            help_text = f"Leave empty to keep the stored document “{name}”."
            # The bound field copies its help text when first built, which validation may have done.
            self.fields["document"].help_text = self["document"].help_text = help_text

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].upper()

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document and document.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"The sandbox keeps files up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        return document

    def clean(self):
        data = super().clean()
        dext_id = data.get("dext_id")
        if dext_id and not data.get("document") and not self.stored_document_for(dext_id):
            self.add_error("document", "Choose the document to upload.")
        return data


class LineForm(forms.Form):
    """One line; a line with neither description nor unit amount is blank and not sent."""

    description = forms.CharField(max_length=4000, required=False)
    quantity = forms.DecimalField(max_digits=14, decimal_places=4, required=False, initial=1)
    unit_amount = forms.DecimalField(label="Unit amount", max_digits=16, decimal_places=4, required=False)
    account_code = forms.CharField(label="Account code", max_length=20, required=False, initial=DEFAULT_ACCOUNT_CODE)
    tax_type = forms.CharField(label="Tax type", max_length=40, required=False, initial=DEFAULT_TAX_TYPE)
    tracking_region = forms.CharField(label="Region", max_length=100, required=False)
    tracking_department = forms.CharField(label="Department", max_length=100, required=False)

    def clean(self):
        data = super().clean()
        data["blank"] = not data.get("description") and data.get("unit_amount") is None and not self.errors
        if not data["blank"]:
            for name in ("description", "quantity", "unit_amount", "account_code", "tax_type"):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, "Required on a line that is filled in.")
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Every line is validated; LineForm itself decides which lines are blank.
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise ValidationError("Fill in at least one line.")

    def lines(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if not form.cleaned_data.get("blank")]


_LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, min_num=0, max_num=MAX_LINES, validate_max=True
)
LINE_DEFAULTS = {"quantity": 1, "account_code": DEFAULT_ACCOUNT_CODE, "tax_type": DEFAULT_TAX_TYPE}


def line_formset(data=None, *, lines: list[dict] | None = None) -> BaseLineFormSet:
    """Always five rows: the item's lines first, then blank rows with Dext's defaults."""
    lines = list(lines or [])[:MAX_LINES]
    initial = lines + [dict(LINE_DEFAULTS) for _ in range(MAX_LINES - len(lines))]
    return _LineFormSet(data, initial=initial, prefix="lines")
