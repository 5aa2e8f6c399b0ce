from django.urls import include, path

from coverage import views

urlpatterns = [
    path("", views.home, name="coverage_home"),
    path("agencies/", views.agencies, name="coverage_agencies"),
    path("agencies/<id:agency_id>/", views.agencies, name="coverage_agency"),
    path(
        "agencies/<id:agency_id>/people/",
        views.agency_people,
        name="coverage_agency_people",
    ),
    path("places/", views.places, name="coverage_places"),
    path("places/<str:commune_code>/", views.places, name="coverage_commune"),
    path(
        "places/<str:commune_code>/<id:hamlet_id>/",
        views.places,
        name="coverage_hamlet",
    ),
    path("export/", include("coverage.export_urls")),
    path("", include("coverage.rollup_urls")),
]
