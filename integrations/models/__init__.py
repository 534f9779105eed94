# Models are split by concern: maps.py (integration maps and checklists), connectors.py
# (connections, runs, lineage, webhook receipts, deliveries, Jira issue requests), analytics.py
# (feature usage, processed messages, adoption insights), kpis.py (KPI measurement history),
# adoption.py (adoption of shipped items: aha milestones, barrier and insight ledgers),
# sync_reports.py (skipped/reported records, held Segment events, group members).

from .adoption import *  # noqa: F403
from .analytics import *  # noqa: F403
from .connectors import *  # noqa: F403
from .kpis import *  # noqa: F403
from .maps import *  # noqa: F403
from .sync_reports import *  # noqa: F403
