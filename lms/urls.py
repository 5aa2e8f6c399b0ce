from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import views

urlpatterns = [
    # Editors log in like everyone else (by email), not with Wagtail's username form.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("courses/", views.catalogue, name="catalogue"),
    path("learning/", views.my_learning, name="my_learning"),
    path("learning/profile/", views.profile, name="profile"),
    path("learning/enrol/<int:course_id>/", views.enroll, name="enroll"),
    path(
        "learning/lessons/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path("places/communes/", views.commune_search, name="commune_search"),
    path("quizzes/", include("quizzes.urls")),
    path("h5p/", include("quizzes.h5p.urls")),
    path("certificates/", include("certificates.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
