from django import forms

from integrations.models import AdoptionMilestone


class MilestoneForm(forms.ModelForm):
    """The item's aha moment, set by a PM on the item page's Adoption panel."""

    class Meta:
        model = AdoptionMilestone
        fields = ["uses", "days"]
        labels = {"uses": "Uses", "days": "Within days of first use"}
