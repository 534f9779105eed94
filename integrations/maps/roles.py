# Role -> permission codenames for this area; merged into the app's AppConfig.
ROLE_PERMISSIONS: dict[str, list[str]] = {}
