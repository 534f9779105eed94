from django.urls import include, path

urlpatterns: list = [
    path("", include("integrations.maps.api.urls")),
    path("", include("integrations.connectors.api.urls")),
]
