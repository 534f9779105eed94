"""Integration maps and acceptance-criteria checklists (models in integrations/models/maps.py)."""
