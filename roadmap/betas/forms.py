from django import forms

from portal.choices import LifecycleStage, Tier
from portal.models import Account, User
from portal.widgets import AccountPickerWidget
from roadmap.forms import DateInput
from roadmap.models import BetaProgram, RoadmapItem

from .choices import ParticipantState
from .services import PROGRAM_FIELDS


class BetaProgramForm(forms.ModelForm):
    allowed_tiers = forms.MultipleChoiceField(
        choices=Tier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every tier.",
    )
    allowed_segments = forms.CharField(
        required=False, help_text="Comma-separated; empty: every segment."
    )
    excluded_stages = forms.MultipleChoiceField(
        choices=LifecycleStage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = BetaProgram
        fields = ["item", *PROGRAM_FIELDS]
        widgets = {"starts_on": DateInput, "ends_on": DateInput, "goal": forms.Textarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = RoadmapItem.objects.order_by("title")
        users = User.objects.filter(is_active=True).order_by("username")
        self.fields["pm_owner"].queryset = users.filter(groups__name="product_manager")
        self.fields["cs_owner"].queryset = users.filter(groups__name="cs_rep")
        if self.instance.pk:
            self.fields["item"].disabled = True
            self.initial["allowed_segments"] = ", ".join(self.instance.allowed_segments or [])
        else:
            self.initial.setdefault(
                "excluded_stages", [LifecycleStage.AT_RISK, LifecycleStage.CHURNED]
            )

    def clean_allowed_segments(self) -> list[str]:
        raw = self.cleaned_data.get("allowed_segments") or ""
        return [s.strip() for s in raw.split(",") if s.strip()]

    def program_fields(self) -> dict:
        """The cleaned values the services take (everything but the item)."""
        return {name: self.cleaned_data[name] for name in PROGRAM_FIELDS}


class NominateForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.all(), widget=forms.HiddenInput)


class EligibilityCheckForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.all(), widget=AccountPickerWidget, label="Account"
    )


class TransitionForm(forms.Form):
    state = forms.ChoiceField(choices=ParticipantState.choices)
    note = forms.CharField(required=False, max_length=200)


class CompleteForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Validation rating",
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        help_text="5 = the beta validated the feature fully; 4 or 5 count as positive.",
    )
    comments = forms.CharField(widget=forms.Textarea, required=False)
