import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog, set_language
from django.views.static import serve
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
    # The language form is on every page, and pages kept whole for every visitor
    # (lms/pagecache.py) cannot carry a token of one visitor. Switching the
    # language sets nothing but the language cookie, so it needs no CSRF check.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("offline/", views.offline, name="offline"),
    path("learning/profile/", views.profile, name="profile"),
    path("privacy/", include("privacy.urls")),
    path("learning/my-data/", include("privacy.my_data_urls")),
    path("", include("courses.urls")),
    path("places/communes/", views.commune_search, name="commune_search"),
    path("quizzes/", include("quizzes.urls")),
    path("h5p/", include("h5p.urls")),
    path("certificates/", include("certificates.urls")),
    path("teams/", include("community_teams.urls")),
    path("coverage/imports/", include("coverage.import_urls")),
    path("coverage/", include("coverage.urls")),
]

if settings.DEBUG:
    # Documents are served by Wagtail's view (collection privacy) and lesson videos
    # by their lesson's (enrolment): never as plain media files.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?!documents/)(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns.append(path("", include(wagtail_urls)))
