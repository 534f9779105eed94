# Models are split by concern: maps.py (integration maps and checklists), sync.py (connectors),
# adoption.py (adoption of shipped items: aha milestones, barrier and insight ledgers).

from .adoption import *  # noqa: F403
from .maps import *  # noqa: F403
from .sync import *  # noqa: F403
