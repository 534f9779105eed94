from django import forms

from portal.models import User
from roadmap.forms import DateInput
from roadmap.models import Milestone, RoadmapItem


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


class MilestoneTickForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("true", "Done"), ("false", "Reopened")], coerce=lambda v: v == "true"
    )
