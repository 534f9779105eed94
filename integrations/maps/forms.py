"""Forms of the map pages; they re-render with the user's input and messages at the fields."""

from django import forms
from django.conf import settings

from integrations.models import IntegrationMap, IntegrationPoint, KpiTarget

# Integration maps are text; a megabyte is far more than any real one (the seeds are ~30 kB).
MAX_UPLOAD_BYTES = settings.INTEGRATION_MAP_MAX_UPLOAD_BYTES


class MapUploadForm(forms.Form):
    document = forms.FileField(
        help_text=f"A Markdown document (.md or .txt), at most {MAX_UPLOAD_BYTES // 1024} kB."
    )
    target = forms.ModelChoiceField(
        queryset=IntegrationMap.objects.all(),
        required=False,
        label="Update map",
        empty_label="The map with the same title, or a new one",
    )
    cycle_start = forms.DateField(
        required=False,
        label="Cycle start",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Week 1 of the phases starts on this date (keeps the map's date when empty).",
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {document.size // 1024} kB; "
                f"the limit is {MAX_UPLOAD_BYTES // 1024} kB."
            )
        name = document.name.lower()
        if not name.endswith((".md", ".markdown", ".txt")):
            raise forms.ValidationError("Upload a Markdown document (.md, .markdown or .txt).")
        return document


class TickForm(forms.Form):
    evidence_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Evidence note"
    )
    evidence_url = forms.URLField(required=False, label="Evidence link", assume_scheme="https")

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("evidence_note", "").strip() or data.get("evidence_url")
        ):
            self.add_error("evidence_note", "Add an evidence note or a link that shows it is met.")
        return data


class UntickForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the criterion is no longer met.")
        return reason


class CycleStartForm(forms.ModelForm):
    """The map's cycle start; its checks and messages are the model field's."""

    class Meta:
        model = IntegrationMap
        fields = ["cycle_start"]
        widgets = {"cycle_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class OwnerTeamForm(forms.ModelForm):
    """A point's owner team; the length limit and its message come from the model field."""

    class Meta:
        model = IntegrationPoint
        fields = ["owner_team"]
        widgets = {"owner_team": forms.TextInput(attrs={"aria-label": "Owner team"})}


class KpiMeasureForm(forms.ModelForm):
    """A KPI's measured value; digits, decimals and messages come from the model field."""

    class Meta:
        model = KpiTarget
        fields = ["measured_value"]
        widgets = {"measured_value": forms.NumberInput(attrs={"step": "0.01"})}
