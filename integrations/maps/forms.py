"""Forms of the map pages; they re-render with the user's input and messages at the fields."""

from django import forms
from django.conf import settings

from integrations.models import IntegrationMap

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


class CycleStartForm(forms.Form):
    cycle_start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Cycle start"
    )


class OwnerTeamForm(forms.Form):
    owner_team = forms.CharField(required=False, max_length=120, label="Owner team")


class KpiMeasureForm(forms.Form):
    measured_value = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, label="Measured value"
    )
