from rest_framework import serializers

from roadmap.launches.selectors import plan_readiness
from roadmap.models import LaunchPlan


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
