from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_ROOT = BASE_DIR / ".test-private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "certificates", "community_teams", "coverage"],
    }
}
WAGTAILADMIN_BASE_URL = "http://testserver"
LMS_PUBLIC_BASE_URL = "http://testserver"
# Tests assert the English source strings; tests of the Vietnamese interface switch
# the language explicitly, as a visitor's browser or the site default would.
LANGUAGE_CODE = "en"
# SQLite tests use a file, not memory: the live server's threads then each open
# their own connection, with the WAL and the busy timeout of base.py, as the web
# server and the worker do; threads sharing one in-memory connection would fail
# with "database table is locked" when the browser sends requests at once.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405

# A replica that is the test database itself, for the router's tests, which turn
# it on (LMS_READ_REPLICA = "replica"); everything else reads the primary.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "TEST": {"MIRROR": "default"},
}
# Two provinces' own databases beside the national one, for the national roll-up's
# tests. Their tables are made from the models (no migrations): those tests only
# put places, agencies and figures in them.
for _alias in ("province_a", "province_b"):
    _settings = {**DATABASES["default"], "TEST": {"MIGRATE": False}}  # noqa: F405
    if _settings["ENGINE"] == "django.db.backends.sqlite3":
        _settings["NAME"] = str(BASE_DIR / f".test-db-{_alias}.sqlite3")
        _settings["TEST"]["NAME"] = _settings["NAME"]
    else:
        _settings["NAME"] = f"{_settings['NAME']}_{_alias}"
    DATABASES[_alias] = _settings  # noqa: F405
