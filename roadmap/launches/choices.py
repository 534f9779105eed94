"""Choices of launch plans."""

from django.db import models


class Readiness(models.TextChoices):
    READY = "ready", "Ready"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    BLOCKED = "blocked", "Blocked"


class ReminderKind(models.TextChoices):
    DUE_TOMORROW = "due_tomorrow", "Due tomorrow"
    DUE_TODAY = "due_today", "Due today"
    LATE = "late", "Late"
