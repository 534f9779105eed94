from .connectors import admin as connectors_admin  # noqa: F401
from .maps import admin as maps_admin  # noqa: F401
