from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [
    path(
        "<id:quiz_id>/lessons/<id:lesson_id>/start/",
        views.attempt_start,
        name="attempt_start",
    ),
    path(
        "<id:quiz_id>/lessons/<id:lesson_id>/offline/",
        views.offline_sheet,
        name="offline_sheet",
    ),
    path(
        "<id:quiz_id>/lessons/<id:lesson_id>/offline/submit/",
        views.offline_submit,
        name="offline_submit",
    ),
    path("attempts/<id:attempt_id>/", views.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<id:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
]
