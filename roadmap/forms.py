from django import forms

from portal.models import User

from .choices import BOARD_STATUSES, HealthImpact, ItemStatus
from .features import feature_keys_of, feature_keys_parse
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
    # The options come from the keys seen in usage data: the integrations app renders the
    # <datalist id="feature-key-options"> in the form's "roadmap_item_form" panel slot.
    feature_keys = forms.CharField(
        required=False,
        label="Analytics features it ships",
        widget=forms.TextInput(attrs={"list": "feature-key-options", "autocomplete": "off"}),
        help_text="Feature or event keys from product analytics, separated by commas. Adoption "
        "of the item counts the use of these keys from its ship date.",
    )

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
            self.fields["feature_keys"].initial = ", ".join(feature_keys_of(self.instance))

    def clean_feature_keys(self) -> list[str]:
        return feature_keys_parse(self.cleaned_data.get("feature_keys", ""))


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
