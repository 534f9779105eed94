from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
