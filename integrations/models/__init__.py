# Models are split by concern: maps.py (integration maps and checklists), sync.py (connectors).
from .sync import *  # noqa: F403
