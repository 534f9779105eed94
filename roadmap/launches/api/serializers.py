from rest_framework import serializers

from portal.api.strict import StrictFieldsMixin
from portal.models import User
from roadmap.launches.selectors import plan_readiness
from roadmap.models import LaunchPlan, Milestone, RoadmapItem


class LaunchPlanSerializer(serializers.ModelSerializer):
    launch_date = serializers.DateField(source="item.launch_date")
    readiness = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = LaunchPlan
        fields = ["id", "item", "owner", "launch_date", "readiness", "milestones"]
        read_only_fields = fields

    def get_readiness(self, plan) -> dict:
        report = plan_readiness(plan)
        return {
            "status": report.status,
            "reasons": report.reasons,
            "recommendations": report.recommendations,
        }

    def get_milestones(self, plan) -> list[dict]:
        return [
            {
                "id": m.pk,
                "name": m.name,
                "due_date": m.due_date,
                "offset_days": m.offset_days,
                "critical": m.critical,
                "owner": m.owner_id,
                "done": m.is_done,
                "depends_on": [d.pk for d in m.depends_on.all()],
            }
            for m in plan.milestones.all()
        ]


# --- Inputs (the calendar's and the plan page's forms) ----------------------------------------


class LaunchPlanCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST launch-plans``: a plan with the standard milestones for an item with a launch date
    and no plan yet."""

    item = serializers.PrimaryKeyRelatedField(queryset=RoadmapItem.objects.all())


class LaunchDateSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST launch-plans/{id}/move``: undone relative milestones move with the date."""

    launch_date = serializers.DateField()


class MilestoneInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST launch-plans/{id}/milestones``: a milestone of the plan."""

    name = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    due_date = serializers.DateField()
    critical = serializers.BooleanField(required=False, default=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    relative = serializers.BooleanField(
        required=False, default=True, help_text="Moves with the launch date."
    )
    depends_on = serializers.PrimaryKeyRelatedField(
        queryset=Milestone.objects.all(),
        many=True,
        required=False,
        help_text="Ids of milestones of the same plan.",
    )


class MilestoneMoveSerializer(StrictFieldsMixin, serializers.Serializer):
    due_date = serializers.DateField()


class MilestoneTickSerializer(StrictFieldsMixin, serializers.Serializer):
    done = serializers.BooleanField(help_text="true: done; false: reopened.")


class MilestoneSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "plan",
            "key",
            "name",
            "description",
            "due_date",
            "offset_days",
            "critical",
            "owner",
            "done",
            "done_at",
            "done_by",
            "depends_on",
        ]
        read_only_fields = fields
