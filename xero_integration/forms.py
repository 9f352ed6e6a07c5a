from django import forms

from xero_integration.models import XeroConnection


class PullSettingsForm(forms.ModelForm):
    """How bills awaiting approval in Xero are taken in and handed back."""

    class Meta:
        model = XeroConnection
        fields = ["pull_bills", "rejected_prefix", "reopen_changed_bills"]
        help_texts = {
            "pull_bills": "Bills Dext (or anyone) submits for approval in Xero become requests here within minutes.",
            "rejected_prefix": "A rejected bill goes back to draft in Xero; this is put before its number "
                               "(for example “REJECTED-”). Leave empty to keep the number.",
            "reopen_changed_bills": "When a bill approved here is changed in Xero, administrators are always told; "
                                    "with this, it also goes through approval again.",
        }

    def clean_rejected_prefix(self) -> str:
        prefix = self.cleaned_data["rejected_prefix"].strip()
        if any(ch.isspace() for ch in prefix):
            raise forms.ValidationError("A prefix has no spaces in it.")
        return prefix
