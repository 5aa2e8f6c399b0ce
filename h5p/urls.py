from django.urls import path

from . import views

app_name = "h5p"
urlpatterns = [
    path("play/<str:token>/", views.frame, name="frame"),
    path(
        "play/<str:token>/<id:package_id>/<path:path>",
        views.package_file,
        name="package_file",
    ),
    path("libraries/<str:token>/<path:path>", views.library_file, name="library_file"),
    path(
        "lessons/<id:lesson_id>/activities/<id:activity_id>/state/<str:data_type>/"
        "<str:sub_content_id>/",
        views.user_state,
        name="user_state",
    ),
    path(
        "lessons/<id:lesson_id>/activities/<id:activity_id>/statements/",
        views.statements,
        name="statements",
    ),
]
