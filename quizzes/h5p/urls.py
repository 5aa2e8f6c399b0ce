from django.urls import path

from . import views

app_name = "h5p"
urlpatterns = [
    path(
        "lessons/<int:lesson_id>/activities/<int:activity_id>/files/<int:package_id>/"
        "<path:path>",
        views.content_file,
        name="content_file",
    ),
    path(
        "preview/activities/<int:activity_id>/files/<int:package_id>/<path:path>",
        views.preview_file,
        name="preview_file",
    ),
    path(
        "lessons/<int:lesson_id>/activities/<int:activity_id>/state/<str:data_type>/"
        "<str:sub_content_id>/",
        views.user_state,
        name="user_state",
    ),
    path(
        "lessons/<int:lesson_id>/activities/<int:activity_id>/statements/",
        views.statements,
        name="statements",
    ),
]
