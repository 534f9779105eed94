# Role -> permission codenames for the KPI page; merged into the app's AppConfig.
# Every role sees how the loop is doing (the KPI page and the integration-map KPI history).
_READ = ["integrations.view_kpis", "integrations.view_kpimeasurement"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "cs_rep": list(_READ),
    "product_manager": list(_READ),
    "portal_admin": list(_READ),
}
