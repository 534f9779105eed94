# Models are split by concern: maps.py (integration maps and checklists), sync.py (connectors).

from .kpis import *  # noqa: F403
from .maps import *  # noqa: F403
from .sync import *  # noqa: F403
