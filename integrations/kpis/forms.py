import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from .selectors import default_range

MAX_RANGE = dt.timedelta(days=366 * 2)


class KpiRangeForm(forms.Form):
    """The KPI page's date range (GET): both ends included; twelve weeks by default."""

    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        default_since, default_until = default_range()
        since = data.get("since") or default_since
        until = data.get("until") or default_until
        if since > until:
            raise ValidationError({"since": "Must not be after the end of the range."})
        if until - since > MAX_RANGE:
            raise ValidationError({"since": "Choose a range of at most two years."})
        data["since"], data["until"] = since, until
        return data

    def range(self) -> tuple[dt.date, dt.date]:
        """The valid range, or the default one when the input is not valid."""
        if self.is_valid():
            return self.cleaned_data["since"], self.cleaned_data["until"]
        return default_range()
