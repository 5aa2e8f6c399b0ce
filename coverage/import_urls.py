"""The import screens, included under ``coverage/imports/``."""

from django.urls import path

from coverage import import_views as views

urlpatterns = [
    path("staff/", views.staff_upload, name="coverage_staff_import"),
    path(
        "staff/template.xlsx",
        views.staff_import_template,
        name="coverage_staff_import_template",
    ),
    path(
        "staff/<id:pk>/",
        views.staff_import_detail,
        name="coverage_staff_import_detail",
    ),
    path(
        "staff/<id:pk>/progress/",
        views.staff_import_progress,
        name="coverage_staff_import_progress",
    ),
    path(
        "staff/<id:pk>/<slug:action>/",
        views.staff_import_action,
        name="coverage_staff_import_action",
    ),
    path("completions/", views.completion_upload, name="coverage_completion_import"),
    path(
        "completions/template.xlsx",
        views.completion_import_template,
        name="coverage_completion_import_template",
    ),
    path(
        "completions/<id:pk>/",
        views.completion_import_detail,
        name="coverage_completion_import_detail",
    ),
    path(
        "completions/<id:pk>/progress/",
        views.completion_import_progress,
        name="coverage_completion_import_progress",
    ),
    path(
        "completions/<id:pk>/<slug:action>/",
        views.completion_import_action,
        name="coverage_completion_import_action",
    ),
]
