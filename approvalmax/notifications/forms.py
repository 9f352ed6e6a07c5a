from zoneinfo import available_timezones

from django import forms

from approvalmax.notifications.models import Delivery

_ZONES = sorted(available_timezones())


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(label="Email me", choices=Delivery.choices, widget=forms.RadioSelect)
    digest_hour = forms.TypedChoiceField(label="Daily digest at", coerce=int,
                                         choices=[(h, f"{h:02d}:00") for h in range(24)], initial=8)
    time_zone = forms.ChoiceField(label="In the time zone", required=False,
                                  choices=[("", "The organisation's")] + [(z, z) for z in _ZONES])


class OrganisationTimeForm(forms.ModelForm):
    """When the organisation works, and how long its emails' links and patience last."""

    timezone = forms.ChoiceField(label="Time zone", choices=[(z, z) for z in _ZONES])
    working_days = forms.MultipleChoiceField(
        label="Working days", widget=forms.CheckboxSelectMultiple,
        choices=[("1", "Monday"), ("2", "Tuesday"), ("3", "Wednesday"), ("4", "Thursday"), ("5", "Friday"),
                 ("6", "Saturday"), ("7", "Sunday")])  # fmt: skip
    action_link_days = forms.IntegerField(label="Approve and Reject links in emails work for (days)", min_value=1,
                                          max_value=30)
    reminder_after_hours = forms.IntegerField(label="Remind approvers after (hours)", min_value=1, max_value=720)

    class Meta:
        from approvalmax.core.models import Organisation

        model = Organisation
        fields = ["timezone", "working_days", "working_day_starts", "working_day_ends", "action_link_days",
                  "reminder_after_hours", "hold_possible_duplicates"]
        labels = {"working_day_starts": "Working day starts", "working_day_ends": "Working day ends"}
        widgets = {"working_day_starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "working_day_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["working_days"] = list(self.instance.working_days)

    def clean_working_days(self) -> str:
        return "".join(sorted(set(self.cleaned_data["working_days"])))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("working_day_starts"), cleaned.get("working_day_ends")
        if starts and ends and starts >= ends:
            self.add_error("working_day_ends", "The working day must end after it starts.")
        return cleaned
