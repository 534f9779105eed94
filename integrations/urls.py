from django.urls import include, path

app_name = "integrations"

urlpatterns: list = [
    path("maps/", include("integrations.maps.urls")),
    path("kpis/", include("integrations.kpis.urls")),
    path("", include("integrations.connectors.urls")),
    path("", include("integrations.connectors.analytics.urls")),
]
