from django import forms

from portal.choices import LifecycleStage, Tier
from portal.models import Account, User
from portal.widgets import AccountPickerWidget
from roadmap.models import BetaProgram, Milestone, RoadmapItem


class DateInput(forms.DateInput):
    input_type = "date"


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
        fields = [
            "item",
            "name",
            "goal",
            "status",
            "starts_on",
            "ends_on",
            "capacity",
            "pm_owner",
            "cs_owner",
            "min_health_score",
            "allowed_tiers",
            "allowed_segments",
            "excluded_stages",
            "sandbox_required",
            "feedback_commitment_required",
            "per_csm_cap",
        ]
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


class NominateForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.all(), widget=forms.HiddenInput)


class EligibilityCheckForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.all(), widget=AccountPickerWidget, label="Account"
    )


class TransitionForm(forms.Form):
    state = forms.CharField()
    note = forms.CharField(required=False, max_length=200)


class CompleteForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Validation rating",
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        help_text="5 = the beta validated the feature fully; 4 or 5 count as positive.",
    )
    comments = forms.CharField(widget=forms.Textarea, required=False)


class LaunchPlanCreateForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=RoadmapItem.objects.filter(launch_date__isnull=False, launch_plan__isnull=True),
        help_text="Items with a launch date and no plan yet.",
    )


class LaunchDateForm(forms.Form):
    launch_date = forms.DateField(widget=DateInput)


class MilestoneForm(forms.ModelForm):
    relative = forms.BooleanField(required=False, initial=True, label="Moves with the launch date")

    class Meta:
        model = Milestone
        fields = ["name", "description", "due_date", "critical", "owner", "depends_on"]
        widgets = {"due_date": DateInput}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["depends_on"].queryset = (
            plan.milestones.all() if plan is not None else Milestone.objects.none()
        )
        self.fields["depends_on"].required = False


class MilestoneMoveForm(forms.Form):
    due_date = forms.DateField(widget=DateInput)
