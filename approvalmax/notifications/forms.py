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
