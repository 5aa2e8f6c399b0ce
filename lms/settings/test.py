from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "certificates"],
    }
}
WAGTAILADMIN_BASE_URL = "http://testserver"
LMS_PUBLIC_BASE_URL = "http://testserver"
# Tests assert the English source strings; tests of the Vietnamese interface switch
# the language explicitly, as a visitor's browser or the site default would.
LANGUAGE_CODE = "en"
