from django.urls import path

from coverage import export_views

urlpatterns = [
    path(
        "agencies.xlsx",
        export_views.agencies_xlsx,
        name="coverage_export_agencies_xlsx",
    ),
    path(
        "agencies.pdf",
        export_views.agencies_pdf,
        name="coverage_export_agencies_pdf",
    ),
    path("places.xlsx", export_views.places_xlsx, name="coverage_export_places_xlsx"),
    path("places.pdf", export_views.places_pdf, name="coverage_export_places_pdf"),
]
