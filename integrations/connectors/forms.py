from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from integrations.models import Connection


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
        help_text='A JSON object, e.g. {"project_key": "PROD"} for Jira, '
        '{"properties": {"arr": "annualrevenue"}} for the CRM, '
        '{"events": ["item_shipped"]} for webhooks and Slack.',
    )

    class Meta:
        model = Connection
        fields = [
            "name",
            "kind",
            "base_url",
            "credential_env",
            "secret_env",
            "enabled",
            "interval_minutes",
            "settings",
        ]

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
