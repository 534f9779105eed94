from django.urls import include, path

app_name = "roadmap"

urlpatterns: list = [
    path("", include("roadmap.beta.urls")),
]
