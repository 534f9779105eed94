from django import forms

EXPIRY_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What the token is for, e.g. 'weekly export'.")
    days = forms.TypedChoiceField(
        label="Expires after", choices=EXPIRY_CHOICES, coerce=int, initial=90
    )
