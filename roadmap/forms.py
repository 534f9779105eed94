from django import forms

from portal.models import User

from .choices import BOARD_STATUSES, HealthImpact, ItemStatus
from .models import RoadmapItem, ScoringPolicy
from .selectors import accounts_for_voting


class DateInput(forms.DateInput):
    input_type = "date"


class VoteForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose one of your accounts…",
        help_text="You vote on behalf of the accounts you manage.",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Outcome documentation: what the account will achieve with this, in their words "
        "or numbers (required).",
    )
    expected_health_impact = forms.ChoiceField(
        choices=HealthImpact.choices,
        initial=HealthImpact.MEDIUM,
        label="Expected health impact",
        help_text="How much shipping this would improve the account's health.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts_for_voting(user).order_by("name")


class RoadmapItemForm(forms.ModelForm):
    class Meta:
        model = RoadmapItem
        fields = [
            "title",
            "description",
            "product_area",
            "status",
            "horizon",
            "target_quarter",
            "target_date",
            "owner",
            "impact",
            "confidence",
            "effort",
            "launch_date",
        ]
        widgets = {"target_date": DateInput(), "launch_date": DateInput()}
        help_texts = {
            "impact": "PM estimate; the score is demand × impact × confidence ÷ effort.",
            "confidence": "0–1 is usual: how sure are we about the impact?",
            "effort": "Relative size, for example person-months (more than 0).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            groups__name="product_manager"
        ).order_by("username")
        if self.instance.pk:
            # Status changes go through the board's move action (history and outbox).
            del self.fields["status"]


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in ItemStatus])


class ScoringPolicyForm(forms.ModelForm):
    class Meta:
        model = ScoringPolicy
        fields = [
            "tier_weight_enterprise",
            "tier_weight_mid_market",
            "tier_weight_smb",
            "arr_scale",
            "health_factor_none",
            "health_factor_low",
            "health_factor_medium",
            "health_factor_high",
            "impact_factor_blocker",
            "impact_factor_high",
            "impact_factor_medium",
            "impact_factor_low",
            "consensus_threshold",
            "consensus_damping",
        ]


BOARD_STATUS_CHOICES = [(s.value, s.label) for s in BOARD_STATUSES]
