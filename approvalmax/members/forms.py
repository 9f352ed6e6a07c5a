from django import forms
from django.contrib.auth import password_validation

from approvalmax.core.models import Membership


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email")
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices, initial=Membership.Role.APPROVER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)


class JoinForm(forms.Form):
    """A new person's account: their name and a password (their email is the invitation's)."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label="The password again",
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
