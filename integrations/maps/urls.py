from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.MapListView.as_view(), name="map-list"),
    path("upload/", views.map_upload, name="map-upload"),
    path("imports/<int:pk>/", views.map_import_preview, name="map-import-preview"),
    path("<int:pk>/", views.map_detail, name="map-detail"),
    path("<int:pk>/cycle-start/", views.map_cycle_start, name="map-cycle-start"),
    path("<int:pk>/export.md", views.map_export, {"fmt": "md"}, name="map-export-md"),
    path("<int:pk>/export.csv", views.map_export, {"fmt": "csv"}, name="map-export-csv"),
    path("points/<int:pk>/", views.point_detail, name="point-detail"),
    path("points/<int:pk>/owner/", views.point_owner, name="point-owner"),
    path("criteria/<int:pk>/tick/", views.criterion_tick, name="criterion-tick"),
    path("criteria/<int:pk>/verify/", views.criterion_verify, name="criterion-verify"),
    path("criteria/<int:pk>/untick/", views.criterion_untick, name="criterion-untick"),
    path("kpis/<int:pk>/measure/", views.kpi_measure, name="kpi-measure"),
]
