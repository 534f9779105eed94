"""Beta programs and launch plans (models in roadmap/models/beta.py, launch.py)."""
