from django.urls import path

from courses import views

urlpatterns = [
    path("courses/", views.catalogue, name="catalogue"),
    path("learning/", views.my_learning, name="my_learning"),
    path("learning/enrol/<id:course_id>/", views.enroll, name="enroll"),
    path(
        "learning/courses/<id:course_id>/offline/",
        views.course_offline,
        name="course_offline",
    ),
    path(
        "learning/lessons/<id:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "learning/lessons/<id:lesson_id>/videos/<id:document_id>/<str:filename>",
        views.lesson_video,
        name="lesson_video",
    ),
    path(
        "learning/videos/<id:document_id>/<str:filename>",
        views.lesson_video,
        name="video_preview",
    ),
]
