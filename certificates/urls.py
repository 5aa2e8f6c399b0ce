from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    # Printed in every certificate's QR code: never change this address.
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/", views.verify_form, name="verify_form"),
    path("api/verify/<str:code>/", views.api_verify, name="api_verify"),
    path("mine/<id:course_id>/", views.my_certificate, name="mine"),
    path("download/<str:code>/", views.download, name="download"),
    path("manage/", views.manage, name="manage"),
    path("manage/issue/", views.issue, name="issue"),
    path("manage/issue/upload/", views.upload, name="upload"),
    path("manage/bulk/", views.bulk_issue_list, name="bulk_issue_list"),
    path("manage/bulk/<id:pk>/", views.bulk_issue, name="bulk_issue"),
    path("manage/bulk/<id:pk>/start/", views.bulk_issue_start, name="bulk_issue_start"),
    path(
        "manage/bulk/<id:pk>/resume/",
        views.bulk_issue_resume,
        name="bulk_issue_resume",
    ),
    path(
        "manage/bulk/<id:pk>/progress/",
        views.bulk_issue_progress,
        name="bulk_issue_progress",
    ),
    path(
        "manage/bulk/<id:pk>/certificates.zip",
        views.bulk_issue_zip,
        name="bulk_issue_zip",
    ),
    path("manage/revoke/<str:code>/", views.revoke, name="revoke"),
    path(
        "manage/households/<id:household_id>/",
        views.household_issue,
        name="household_issue",
    ),
    path(
        "manage/households/<id:household_id>/sample/<id:resident_id>.pdf",
        views.household_issue_sample,
        name="household_issue_sample",
    ),
]
