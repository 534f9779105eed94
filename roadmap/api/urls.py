from django.urls import include, path

urlpatterns: list = [
    path("", include("roadmap.beta.api_urls")),
]
