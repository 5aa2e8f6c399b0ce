from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [
    path(
        "<int:quiz_id>/lessons/<int:lesson_id>/start/",
        views.attempt_start,
        name="attempt_start",
    ),
    path("attempts/<int:attempt_id>/", views.attempt_detail, name="attempt_detail"),
    path(
        "attempts/<int:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
]
