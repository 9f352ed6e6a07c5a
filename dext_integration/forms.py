from django import forms


class LinkForm(forms.Form):
    account_name = forms.CharField(
        label="Dext account name", max_length=200,
        help_text="As Dext names the account, so you can tell which one is linked.",
    )
