from rest_framework import serializers

from portal.models import Account


class AccountSerializer(serializers.ModelSerializer):
    csm_owner = serializers.StringRelatedField()

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "crm_id",
            "analytics_id",
            "tier",
            "arr",
            "health_score",
            "health_band",
            "segment",
            "lifecycle_stage",
            "csm_owner",
            "has_sandbox",
            "beta_feedback_commitment",
            "crm_missing_since",
            "updated_at",
        ]
        read_only_fields = fields
