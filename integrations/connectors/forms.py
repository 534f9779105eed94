from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from integrations.models import Connection
from integrations.models.connectors import CONNECTION_EDITABLE_FIELDS, CONNECTION_SETTINGS_HELP


class ConnectionForm(forms.ModelForm):
    base_url = forms.URLField(
        label="Base URL",
        required=False,
        assume_scheme="https",
        help_text=Connection._meta.get_field("base_url").help_text,
    )
    settings = forms.JSONField(
        required=False,
        initial=dict,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=CONNECTION_SETTINGS_HELP,
    )

    class Meta:
        model = Connection
        fields = CONNECTION_EDITABLE_FIELDS

    def clean_settings(self):
        value = self.cleaned_data.get("settings")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError("Settings must be a JSON object ({…}).")
        return value


class AnalyticsImportForm(forms.Form):
    file = forms.FileField(
        label="Track events (JSON lines)",
        help_text="One Segment track event per line; events already imported are skipped.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CONNECTOR_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload
