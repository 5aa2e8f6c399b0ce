from django.urls import path

from coverage import rollup_views

urlpatterns = [
    path("rollup/export.json", rollup_views.export, name="coverage_rollup_export"),
    path("national/", rollup_views.national, name="coverage_national"),
]
