from django.apps import AppConfig

READ = ["roadmap.view_roadmapitem"]


class RoadmapConfig(AppConfig):
    name = "roadmap"
    role_permissions = {
        "cs_rep": READ,
        "product_manager": [*READ, "roadmap.add_roadmapitem", "roadmap.change_roadmapitem"],
        "portal_admin": READ,
    }
