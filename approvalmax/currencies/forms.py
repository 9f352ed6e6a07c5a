from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from approvalmax.currencies.models import RatePolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RatePolicy
        fields = ["source"]


class RateForm(forms.Form):
    currency = forms.CharField(max_length=3, min_length=3, validators=[
        RegexValidator(r"^[A-Za-z]{3}$", "A three-letter currency code, e.g. EUR.")])
    rate = forms.DecimalField(label="Units of it to one of the base currency", max_digits=18, decimal_places=8,
                              min_value=Decimal("0.00000001"))
    on = forms.DateField(label="From", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
