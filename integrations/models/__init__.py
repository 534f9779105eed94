# Models are split by concern: maps.py (integration maps and checklists), connectors.py
# (connections, runs, lineage, webhook receipts, deliveries, Jira issue requests), analytics.py
# (feature usage, processed messages, adoption insights), adoption.py (adoption of shipped items:
# aha milestones, barrier and insight ledgers).

from .adoption import *  # noqa: F403
from .analytics import *  # noqa: F403
from .connectors import *  # noqa: F403
from .maps import *  # noqa: F403
