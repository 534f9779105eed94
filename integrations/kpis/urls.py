from django.urls import path

from . import views

urlpatterns = [
    path("", views.KpiView.as_view(), name="kpis"),
    path("<slug:key>.csv", views.kpi_csv, name="kpi-csv"),
]
