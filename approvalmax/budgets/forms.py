from django import forms

from approvalmax.budgets.models import BudgetPolicy

MONTHS = [(n, name) for n, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"], start=1)]


class PolicyForm(forms.ModelForm):
    year_starts_in = forms.TypedChoiceField(label="The financial year starts in", choices=MONTHS, coerce=int)

    class Meta:
        model = BudgetPolicy
        fields = ["origin", "period", "year_starts_in", "basis"]
        labels = {"origin": "Budgets come from", "period": "Compare each bill with the budget of",
                  "basis": "Amounts compared"}


class UploadForm(forms.Form):
    file = forms.FileField(label="Budget file (CSV or XLSX)",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
