from django.apps import AppConfig

from portal.roles import merge_role_permissions

from .beta.roles import ROLE_PERMISSIONS as BETA_ROLE_PERMISSIONS

READ = ["roadmap.view_roadmapitem"]

ROLE_PERMISSIONS = {
    "cs_rep": READ,
    "product_manager": [*READ, "roadmap.add_roadmapitem", "roadmap.change_roadmapitem"],
    "portal_admin": READ,
}


class RoadmapConfig(AppConfig):
    name = "roadmap"
    role_permissions = merge_role_permissions(ROLE_PERMISSIONS, BETA_ROLE_PERMISSIONS)
